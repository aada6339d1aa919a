"""Metadata detected from a report's own text for files the catalog does not describe: the institution
(the most frequent full official name) and the years it reviews; the file name as a last resort.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from indexer.limits import MAX_YEAR_SPAN, YEAR_DASH

_INSTITUTION = re.compile(
    r"(?:^|(?<=[\s，,。：:、；;“”\"《》（）()【】#*]))"
    r"((?:[\u4e00-\u9fff]{2,7}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗))+(?:高级|中级)?人民(?:法院|检察院))"
)
_YEAR_RANGE = re.compile(rf"((?:19|20)\d{{2}})\s*{YEAR_DASH}\s*((?:19|20)\d{{2}})\s*年")  # text is NFKC
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_SINCE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年以来")
_SPAN = re.compile(r"([二三四五六七八九十])年来")
_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_FILE_YEARS = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})(?:\s*(?:_|{YEAR_DASH})\s*((?:19|20)\d{{2}}))?(?!\d)")


def detect_institution(text: str) -> str | None:
    """The institution the text is most about: the most frequent full official name (first on ties)."""
    names = [m.group(1) for m in _INSTITUTION.finditer(text)]
    if not names:
        return None
    counts = Counter(names)
    return max(names, key=lambda n: (counts[n], -names.index(n)))


def detect_years(text: str) -> tuple[int, ...]:
    """Years a report covers: an explicit range near the top, "2017年以来 … 五年来", else its most frequent year."""
    plain = unicodedata.normalize("NFKC", text)
    head = plain[:300]
    if m := _YEAR_RANGE.search(head):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + MAX_YEAR_SPAN:
            return tuple(range(first, last + 1))
    since, span = _SINCE.search(plain), _SPAN.search(plain)
    if since and span:
        first = int(since.group(1))
        return tuple(range(first, first + _CN_NUM[span.group(1)]))
    years = Counter(int(y) for y in _YEAR.findall(plain))
    if not years:
        return ()
    top = max(years.values())
    return (max(y for y, n in years.items() if n == top),)


def years_from_name(name: str) -> tuple[int, ...]:
    """`x-2017-2021.txt` → 2017…2021, `x-2023.txt` → (2023,), else ()."""
    m = _FILE_YEARS.search(name)
    if not m:
        return ()
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    return tuple(range(first, last + 1)) if first <= last <= first + MAX_YEAR_SPAN else (first,)
