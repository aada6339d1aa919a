"""The line model of laid-out pages and its rules: page furniture, paragraphs, headings → the layout dialect.

A Line is one printed line with its position and size in points (y upwards from the page's bottom). The PDF
reader (formats/pdf.py) makes Lines from the text layer's characters; OCR (indexer/ingest/ocr/pages.py) makes
them from a scanned page's text boxes. Both then go through the same two rules here:
- furniture: running headers, footers and page numbers ("— 3 —", "-3-", "第3页") dropped by position (the top
  or bottom band of the page) together with repetition (the same text, digits aside, on several pages);
- layout_lines: hard-wrapped lines rejoined, a paragraph starting at a first-line indent or after a short last
  line; a line in a larger font, or a short wholly bold line, is a heading (wrapped heading lines are joined);
  a bold run opening a paragraph is its lead.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from indexer.ingest.layout_rules import BAND_PAGE_NUMBER, CN_DATE, bare, ends, join_wrapped

BAND = 0.1  # top and bottom tenth of a page: where running headers, footers and page numbers live
_NOT_HEADING = re.compile(rf"^(?:——|—|-{{2}})|{CN_DATE}")


@dataclass
class Char:
    """One character of a text layer: its box (points), size and weight."""

    c: str
    x0: float
    x1: float
    y: float  # bottom of the loose box (baseline minus the font's descent): one value for a whole line
    size: float
    bold: bool


@dataclass
class Line:
    """One printed line: its characters (none for an OCR'd line), page, text, box, size, bold share and lead."""

    chars: list[Char]
    page: int
    height: float
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0
    size: float = 0.0
    bold: float = 0.0  # share of bold characters
    lead: int = 0  # number of leading characters that are bold (0 when the whole line is or none is)
    extra: dict = field(default_factory=dict)

    def finish(self) -> Line:
        cs = self.chars
        parts: list[str] = []
        for prev, ch in zip([None, *cs], cs):
            if prev is not None and ch.x0 - prev.x1 > 0.15 * ch.size and prev.c.isascii() and ch.c.isascii():
                parts.append(" ")  # a gap between Latin words (gaps next to CJK are justification, not spaces)
            parts.append(ch.c)
        self.text = re.sub(r"\s+", " ", "".join(parts)).strip()
        self.x0, self.x1 = min(c.x0 for c in cs), max(c.x1 for c in cs)
        self.y = statistics.median(c.y for c in cs)
        self.size = statistics.median(c.size for c in cs)
        visible = [c for c in cs if not c.c.isspace()]
        self.bold = sum(c.bold for c in visible) / max(1, len(visible))
        n = 0
        while n < len(visible) and visible[n].bold:
            n += 1
        self.lead = n if 0 < n < len(visible) else 0
        return self


def furniture(pages: list[list[Line]]) -> set[int]:
    """ids of running headers, footers and page numbers: in a page's top/bottom band, numbered or repeated."""
    def band(ln: Line) -> bool:
        return ln.y > ln.height * (1 - BAND) or ln.y < ln.height * BAND

    def shape(ln: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", ln.text))

    repeated = Counter(s for page in pages for s in {shape(ln) for ln in page if band(ln)})
    needed = max(2, round(0.3 * len(pages)))
    return {
        id(ln) for page in pages for ln in page
        if band(ln) and (BAND_PAGE_NUMBER.match(ln.text) or (len(pages) > 1 and repeated[shape(ln)] >= needed))
    }


def _ends(text: str) -> bool:
    """Ends like a complete line (layout_rules.ends), or like a Latin sentence: "." after a letter (not "3." of "3.5")."""
    t = bare(text)
    return ends(text) or (t[-1:] == "." and t[-2:-1].isalpha())


def layout_lines(lines: list[Line]) -> str:
    """Lines of every page (furniture removed) → the layout dialect: '#' headings, blank-line paragraphs."""
    if not lines:
        return ""
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    body = sizes.most_common(1)[0][0]
    body_lines = [ln for ln in lines if abs(ln.size - body) < 0.6] or lines
    left = Counter(round(ln.x0) for ln in body_lines).most_common(1)[0][0]
    right = sorted(ln.x1 for ln in body_lines)[round(0.9 * (len(body_lines) - 1))]

    def heading(ln: Line) -> bool:
        if _NOT_HEADING.search(ln.text) or len(ln.text) > 60:
            return False
        if ln.size >= body * 1.15:
            return True
        return ln.bold > 0.9 and not _ends(ln.text) and ln.x1 < right - 2 * ln.size

    heading_sizes = sorted({round(ln.size * 2) / 2 for ln in lines if heading(ln)}, reverse=True)
    rank = {size: i for i, size in enumerate(heading_sizes)}  # (list.index per line was quadratic in distinct sizes)
    blocks: list[list[str]] = []  # each block's pieces, joined once at the end (no quadratic string growth)
    para: list[Line] = []

    def flush() -> None:
        if not para:
            return
        text = join_wrapped(ln.text for ln in para)
        first = para[0]
        if first.lead >= 2 and not all(ln.bold > 0.9 for ln in para):
            lead = "".join(c.c for c in first.chars if not c.c.isspace())[: first.lead]
            if text.replace(" ", "").startswith(lead):
                cut = len(lead) + text[: len(lead) + text.count(" ", 0, len(lead) * 2)].count(" ")
                text = f"**{text[:cut]}**{text[cut:]}"
        blocks.append([text])
        para.clear()

    prev: Line | None = None
    prev_heading = False
    for ln in lines:
        is_heading = heading(ln)
        if is_heading:
            flush()
            level = min(6, rank[round(ln.size * 2) / 2] + 1)
            same = prev_heading and prev is not None and abs(prev.size - ln.size) < 0.6 and prev.page == ln.page \
                and abs(prev.y - ln.y) < 2.2 * ln.size
            if same and blocks and blocks[-1][0].startswith("#"):
                blocks[-1].append(ln.text)  # a heading wrapped over two lines
            else:
                blocks.append(["#" * level + " " + ln.text])
        else:
            indented = ln.x0 > left + 0.8 * ln.size
            if prev is not None and para:
                # A paragraph's last line stops short of the right margin and ends a sentence; a short line
                # that does not end one is ragged-right wrapping (or a cut at a page end) and continues.
                ended = prev.x1 < right - 1.5 * prev.size and _ends(prev.text)
                centred = prev.x0 > left + 2 * prev.size and prev.x1 < right - 2 * prev.size  # a byline, a date
                if indented or ended or centred or prev_heading:
                    flush()
            para.append(ln)
        prev, prev_heading = ln, is_heading
    flush()
    return "\n\n".join("".join(block) for block in blocks) + "\n"


