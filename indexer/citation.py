"""Citing a report (引用): a GB/T 7714-2015 reference, RIS (EndNote, Zotero) and BibTeX, from build.json's record.

What is known of a report comes from the catalog or detection, and nothing else is put in: the institution as
author, the title, the date (indexer/report_dates.py), the session of the people's congress it was delivered to
and a URL, both read from `source` (SESSION, URL below: a source like "嘉兴市八届人大六次会议第二次全体会议，…"
or one giving the page's address). A field that is not known is left out, never guessed.

GB/T 7714-2015 (信息与文献 参考文献著录规则) as applied here:
- §4.1 (专著, which includes 报告): 主要责任者. 题名: 其他题名信息[文献类型标识]. 出版地: 出版者, 出版年.
  The institution is the 主要责任者 (a 机关团体 written as it names itself); the session, with the date, is the
  其他题名信息, as such reports name themselves (“——2021年2月6日在…会议上”); 出版年 is the date's year.
  Place and publisher are not known for these reports: left out (the standard would print [出版地不详]).
- §4.8 (电子资源) when the URL is known: 题名: 其他题名信息[文献类型标识/文献载体标识]. (更新或修改日期)[引用日期].
  获取和访问路径 — with the date in parentheses and the access date in brackets, both YYYY-MM-DD.
- Appendix B: 报告 is R, 联机网络 is OL: [R] without a URL, [R/OL] with one.
- Punctuation: half-width ". ", ": ", ", " as in the standard's examples.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from indexer.report_dates import ReportDate, read_date

# A people's congress session in a source text: …人大…会议, …人民代表大会…会议, optionally …第N次全体会议.
SESSION = re.compile(r"[^\s，。；、,;:：（）()“”\"]*?(?:人民代表大会|人大)[^\s，。；、,;:：（）()“”\"]*?会议"
                     r"(?:第[一二三四五六七八九十百0-9]+次(?:全体)?会议)?")
URL = re.compile(r"https?://[^\s，。；、（）()<>\"“”'{}|\\^`]+")


@dataclass(frozen=True)
class Cited:
    """What a citation says of a report (None: not known)."""

    id: str
    institutions: tuple[str, ...]  # the authors: every institution speaking in the report, in order
    title: str
    date: ReportDate | None
    session: str | None
    url: str | None


def cited(record: dict) -> Cited:
    """The citable facts of a report's build.json record (or get_report's / overview's dict)."""
    source = record.get("source") if isinstance(record.get("source"), str) else ""
    session = SESSION.search(source or "")
    url = URL.search(source or "")
    names = record.get("institutions") or [record.get("institution")]
    return Cited(
        id=str(record.get("id", "")),
        institutions=tuple(str(n) for n in names if isinstance(n, str) and n),
        title=str(record.get("title") or ""),
        date=read_date(record.get("date")),
        session=session.group(0) if session else None,
        url=url.group(0).rstrip(".") if url else None,
    )


def _subtitle(c: Cited) -> str:
    """The 其他题名信息: “2021年2月6日在…会议上”, or the parts of it that are known."""
    if c.session is None:
        return ""
    day = c.date.chinese() if c.date is not None and c.date.day is not None else ""
    return f"{day}在{c.session}上"


def gbt7714(c: Cited, accessed: dt.date) -> str:
    """The GB/T 7714-2015 reference of the report (see the module docstring); accessed: the 引用日期 (online)."""
    authors = ", ".join(c.institutions[:3]) + (", 等" if len(c.institutions) > 3 else "")  # §8.1.2: three, then 等
    parts = [f"{authors}. " if authors else ""]
    subtitle = _subtitle(c)
    parts.append(c.title + (f": {subtitle}" if subtitle else ""))
    if c.url:
        parts.append("[R/OL]. ")
        parts.append((f"({c.date.iso()})" if c.date else "") + f"[{accessed.isoformat()}]. {c.url}.")
    else:
        parts.append("[R]." + (f" {c.date.year}." if c.date else ""))
    return "".join(parts)


def _line(value: str) -> str:
    return " ".join(value.split())


def ris(c: Cited, accessed: dt.date, note: str | None = None) -> str:
    """The report as one RIS record (TY RPRT), CRLF line ends as the format has them."""
    rows = [("TY", "RPRT"), *(("AU", name) for name in c.institutions), ("TI", c.title),
            ("PB", c.institutions[0] if c.institutions else "")]
    if c.date is not None:
        rows.append(("PY", str(c.date.year)))
        rows.append(("DA", "/".join([f"{c.date.year:04d}"] + [f"{n:02d}" for n in (c.date.month, c.date.day) if n])))
    if c.session:
        rows.append(("T3", c.session))
    if c.url:
        rows += [("UR", c.url), ("Y2", accessed.strftime("%Y/%m/%d"))]
    if note:
        rows.append(("N1", note))
    rows.append(("ER", ""))
    return "".join(f"{tag}  - {_line(value)}\r\n" for tag, value in rows if value or tag == "ER")


_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
                "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib(value: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in _line(value))


def bib_key(report_id: str) -> str:
    """A BibTeX key for a report: its id's ASCII letters, digits and -_.: (else "report")."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "", report_id) or "report"


def bibtex(c: Cited, accessed: dt.date, note: str | None = None) -> str:
    """The report as a BibTeX @techreport entry (biblatex fields date, url, urldate too)."""
    fields = [("author", " and ".join("{" + _bib(name) + "}" for name in c.institutions)), ("title", _bib(c.title)),
              ("institution", _bib(c.institutions[0]) if c.institutions else ""), ("type", "工作报告")]
    if c.date is not None:
        fields += [("year", str(c.date.year)), ("date", c.date.iso())]
    if c.session:
        fields.append(("howpublished", _bib(f"在{c.session}上")))
    if c.url:
        fields += [("url", c.url.replace("{", "%7B").replace("}", "%7D")), ("urldate", accessed.isoformat())]
    if note:
        fields.append(("note", _bib(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value.strip("{}"))
    return f"@techreport{{{bib_key(c.id)},\n{body}\n}}\n"
