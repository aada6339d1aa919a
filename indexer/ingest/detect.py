"""Metadata detected from a report's own text for files the catalog does not describe.

Rules, first match wins (detect_metadata records which one fired, for `reindex`/`add` to print):
- title: the document's own heading lines before the first paragraph (an institution line followed by
  "工作报告" is joined into one title); else the file's Title property when it is not junk; else
  "<institution>工作报告（<years>年）"; else the file name.
- institution: the full official name in the title; else in "我代表XX人民法院"; else in the byline
  ("XX人民法院院长 张三"); else the most frequent full name in the text.
- date delivered: "——2024年1月18日在…会议上" (or in brackets) near the top.
- years reviewed: an explicit range near the top ("2017—2021年"); "2017年以来 … 五年来"; a five-year
  review ("过去五年", "五年来") delivered in year Y → Y-5…Y-1; a report delivered in the first half of year Y
  → Y-1 (January 2024 reviews 2023); else the text's most frequent year; else the file name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from indexer.ingest import names
from indexer.ingest.layout_rules import CN_DATE
from indexer.limits import MAX_HEADING_CHARS, MAX_YEAR_SPAN, YEAR_DASH, title_years, year_label

_DELIVERED = re.compile(
    r"(?:——|—|[（(])\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*在[^。\n]{0,80}?(?:会议|大会)"
)
_FIVE_YEARS = re.compile(r"过去五年|五年来|本届(?:以来|任期)")
_DATE_LINE = re.compile(rf"^(?:——|—)|{CN_DATE}")
_YEAR_RANGE = re.compile(rf"((?:19|20)\d{{2}})\s*{YEAR_DASH}\s*((?:19|20)\d{{2}})\s*年")  # text is NFKC
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_SINCE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年以来")
_SPAN = re.compile(r"([二三四五六七八九十])年来")
_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_FILE_YEARS = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})(?:\s*(?:_|{YEAR_DASH})\s*((?:19|20)\d{{2}}))?(?!\d)")


def detect_institution(text: str) -> str | None:
    """The institution the text is most about: the most frequent full official name (first on ties)."""
    found = names.find_all(text)
    if not found:
        return None
    counts = Counter(found)
    first = {name: -i for i, name in reversed(list(enumerate(found)))}  # first occurrence of each (ties)
    return max(counts, key=lambda n: (counts[n], first[n]))


def _stated_years(plain: str) -> tuple[tuple[int, ...], str] | None:
    """(years, source) when the NFKC text states its span: a range near the top, or "2017年以来 … 五年来"."""
    if m := _YEAR_RANGE.search(plain[:300]):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + MAX_YEAR_SPAN:
            return tuple(range(first, last + 1)), f"from {m.group(0)!r} near the top"
    since, span = _SINCE.search(plain), _SPAN.search(plain)
    if since and span:
        first = int(since.group(1))
        return tuple(range(first, first + _CN_NUM[span.group(1)])), f"from {since.group(0)!r} and {span.group(0)!r}"
    return None


def detect_years(text: str) -> tuple[int, ...]:
    """Years a report covers: an explicit range near the top, "2017年以来 … 五年来", else its most frequent year (the earlier on a tie)."""
    plain = unicodedata.normalize("NFKC", text)
    if stated := _stated_years(plain):
        return stated[0]
    years = Counter(int(y) for y in _YEAR.findall(plain))
    if not years:
        return ()
    top = max(years.values())
    # On a tie the earlier year wins: a report mentions the year it reviews, then the next year's plans.
    return (min(y for y, n in years.items() if n == top),)


def years_from_name(name: str) -> tuple[int, ...]:
    """`x-2017-2021.txt` → 2017…2021, `x-2023.txt` → (2023,), else ()."""
    m = _FILE_YEARS.search(name)
    if not m:
        return ()
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    return tuple(range(first, last + 1)) if first <= last <= first + MAX_YEAR_SPAN else (first,)


@dataclass(frozen=True)
class Detected:
    """Metadata found in a document, each with where it came from ("" / () / None when not found)."""

    title: str
    title_from: str
    institution: str | None
    institution_from: str
    years: tuple[int, ...]
    years_from: str
    date: str | None
    date_from: str

    def describe(self) -> str:
        """One line for people: every field with its source."""
        years = year_label(self.years[0], self.years[-1]) if self.years else "none"
        return "; ".join([
            f"title {self.title!r} ({self.title_from})",
            f"institution {self.institution or 'none'}" + (f" ({self.institution_from})" if self.institution else ""),
            f"years {years}" + (f" ({self.years_from})" if self.years else ""),
            f"date {self.date or 'none'}" + (f" ({self.date_from})" if self.date else ""),
        ])

    @classmethod
    def from_dict(cls, data: dict) -> Detected:
        """The inverse of to_dict (build.json keeps what was detected for reports an incremental reindex reuses)."""
        return cls(**{**data, "years": tuple(data.get("years") or ())})

    def to_dict(self) -> dict:
        """The JSON shape (for `add --dry-run` and tests)."""
        return {
            "title": self.title, "title_from": self.title_from, "institution": self.institution,
            "institution_from": self.institution_from, "years": list(self.years), "years_from": self.years_from,
            "date": self.date, "date_from": self.date_from,
        }


def detect_date(text: str) -> tuple[str | None, str]:
    """The date a report was delivered ("——2024年1月18日在…会议上" near the top) as ISO, and the line it came from."""
    head = unicodedata.normalize("NFKC", text[:1500])
    m = _DELIVERED.search(head)
    if not m:
        return None, ""
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None, ""
    return f"{year:04d}-{month:02d}-{day:02d}", m.group(0)


def detect_title(heading_lines: list[str]) -> str:
    """The title among the lines before the first paragraph: a line with 报告 (joined to an institution line above)."""
    lines = [re.sub(r"\s+", "", t) for t in heading_lines if t.strip() and not _DATE_LINE.search(t.strip())]
    for i, line in enumerate(lines):
        if "报告" in line:
            above = lines[i - 1] if i else ""
            if above and names.is_name(above) and not names.starts_with_name(line):
                return above + line
            return line
    return ""


def detect_metadata(
    text: str, heading_lines: list[str], body: str, name: str, *, lone_title: str = "", title_hint: str | None = None
) -> Detected:
    """Title, institution, years and date of a report from its own text (rules in the module doc)."""
    date, date_line = detect_date(text)
    title, title_from = detect_title(heading_lines), "from the heading lines"
    if lone_title and not title:
        title = lone_title
    institution, institution_from = None, ""
    for source, found in (
        ("from the title", names.find_first(title) if title else None),
        ("from \"我代表…\"", names.speaker(text)),
        ("from the byline", next((who for line in text[:1500].splitlines() if (who := names.byline(line))), None)),
    ):
        if found and len(found) <= MAX_HEADING_CHARS:  # every paragraph carries it; no real name is that long
            institution, institution_from = found, source
            break
    if institution is None and (most := detect_institution(text)) and len(most) <= MAX_HEADING_CHARS:
        institution, institution_from = most, "the most frequent name in the text"
    years, years_from = _years(body, date)
    if not years and (years := years_from_name(name)):
        years_from = "from the file name"
    if not title and title_hint:
        title, title_from = title_hint, "from the file's Title property"
    if not title and institution:
        title = f"{institution}工作报告" + (f"（{title_years(years[0], years[-1])}）" if years else "")
        title_from = "made from the institution and years"
    if not title:
        title, title_from = PurePath(name).stem, "from the file name"
    title = title[:MAX_HEADING_CHARS]  # every paragraph carries the title
    return Detected(title, title_from, institution, institution_from, years, years_from, date,
                    f"from the line {date_line!r}" if date else "")


def _years(body: str, date: str | None) -> tuple[tuple[int, ...], str]:
    plain = unicodedata.normalize("NFKC", body)
    if stated := _stated_years(plain):
        return stated
    if date:
        year, month = int(date[:4]), int(date[5:7])
        if (five := _FIVE_YEARS.search(plain)) and month <= 6:
            return tuple(range(year - 5, year)), f"a five-year review ({five.group(0)!r}) delivered {date}"
        if month <= 6:
            return (year - 1,), f"delivered {date}: reviews the year before"
        return (year,), f"delivered {date}"
    years = detect_years(body)
    return years, ("the most frequent year in the text" if len(years) == 1 else "from the text") if years else ""
