"""OCR boxes → lines in reading order (columns detected) → the layout dialect → Blocks, as PDF text is laid out.

An engine returns pieces of lines with pixel boxes. Per page:
- the gutter of a two-column page is found from the boxes (a vertical strip in the middle of the text that
  no line, or only a few full-width lines, cross); lines are rebuilt from pieces on the same baseline and
  the same side of the gutter;
- reading order: top to bottom, and where the page is in columns, the left column down, then the right one
  (a full-width line — a title across both columns — ends one band of columns and starts the next);
- each column is moved to the left margin (in coordinates only), so indents and short last lines mean the
  same in both columns, and line heights within a few percent of the page's commonest height are that height
  (OCR boxes jitter by a pixel or two; a heading is larger by far more).
Then the lines of all pages go through the PDF rules (rules.py): page furniture dropped, wrapped lines
joined into paragraphs, larger lines as headings; and parse_blocks makes the Blocks every format ends in.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from indexer.ingest.ocr import OcrBox, OcrPage
from indexer.ingest.ocr.engines import tidy
from indexer.ingest.ocr.rules import Block, Line, furniture, layout_dialect, parse_blocks

GUTTER_SPAN = (0.3, 0.7)  # where between the text's left and right edges a column gutter may lie
MAX_SPANNING = 0.25  # share of a page's lines that may cross the gutter (titles, full-width paragraphs)
MIN_COLUMN_LINES = 3  # lines each column needs before the page counts as two-column
SAME_SIZE = 0.1  # line heights within this share of the page's commonest height are that height


@dataclass
class _Row:
    """A line rebuilt from one or more boxes: pixel box, text, confidence, column (0 left/only, 1 right, -1 spanning)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float
    size: float  # text height in pixels (the ink's, else the box's)
    column: int = 0


def _gutter(boxes: list[OcrBox]) -> float | None:
    """The x of the gutter between two columns, or None for a one-column page."""
    if len(boxes) < 2 * MIN_COLUMN_LINES:
        return None
    left = min(b.x0 for b in boxes)
    right = max(b.x1 for b in boxes)
    height = statistics.median(b.y1 - b.y0 for b in boxes)
    lo, hi = left + GUTTER_SPAN[0] * (right - left), left + GUTTER_SPAN[1] * (right - left)
    # Edges of the boxes inside the span, sorted: between two consecutive edges the coverage is constant.
    cuts = sorted({lo, hi, *(x for b in boxes for x in (b.x0, b.x1) if lo < x < hi)})
    best: tuple[int, float, float] | None = None  # (lines crossing, -width, x)
    for a, b in zip(cuts, cuts[1:]):
        if b - a < 0.5 * height:
            continue  # narrower than half a character: the space between two words, not a gutter
        mid = (a + b) / 2
        crossing = sum(1 for box in boxes if box.x0 < mid < box.x1)
        if best is None or (crossing, a - b) < best[:2]:
            best = (crossing, a - b, mid)
    if best is None or best[0] > MAX_SPANNING * len(boxes):
        return None
    x = best[2]
    sides = sum(1 for b in boxes if b.x1 <= x), sum(1 for b in boxes if b.x0 >= x)
    return x if min(sides) >= MIN_COLUMN_LINES else None


def _rows(boxes: list[OcrBox], gutter: float | None) -> list[_Row]:
    """Boxes on the same baseline and the same side of the gutter joined into one line each."""
    def column(b: OcrBox) -> int:
        if gutter is None:
            return 0
        return 0 if b.x1 <= gutter else 1 if b.x0 >= gutter else -1

    rows: list[_Row] = []
    for b in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        col = column(b)
        h = b.y1 - b.y0
        mid = (b.y0 + b.y1) / 2
        for r in reversed(rows[-8:]):  # the lines just above: a piece joins one it overlaps, on its side of the gutter
            if r.column == col and r.y0 < mid < r.y1 and (r.x1 <= b.x0 < r.x1 + 3 * h or b.x1 <= r.x0 < b.x1 + 3 * h):
                first, second = (r, b) if r.x0 <= b.x0 else (b, r)
                chars = len(r.text) + len(b.text)
                r.confidence = (r.confidence * len(r.text) + b.confidence * len(b.text)) / chars
                r.text = tidy(first.text + " " + second.text)
                r.x0, r.x1 = min(r.x0, b.x0), max(r.x1, b.x1)
                r.y0, r.y1 = min(r.y0, b.y0), max(r.y1, b.y1)
                r.size = max(r.size, b.size or h)
                break
        else:
            rows.append(_Row(b.x0, b.y0, b.x1, b.y1, b.text, b.confidence, b.size or h, col))
    return rows


def reading_order(page: OcrPage) -> list[_Row]:
    """The page's lines in reading order: by bands of columns, each column top to bottom, left column first."""
    gutter = _gutter(list(page.boxes))
    rows = sorted(_rows(list(page.boxes), gutter), key=lambda r: r.y0)
    if gutter is None:
        return rows
    ordered: list[_Row] = []
    band: list[_Row] = []
    for r in rows:
        if r.column == -1:
            ordered.extend(sorted(band, key=lambda r: (r.column, r.y0)))
            band = []
            ordered.append(r)
        else:
            band.append(r)
    ordered.extend(sorted(band, key=lambda r: (r.column, r.y0)))
    # The right column in the left column's place (coordinates only), so indents are measured from one margin.
    lefts = [min((r.x0 for r in rows if r.column == c), default=0.0) for c in (0, 1)]
    for r in ordered:
        if r.column == 1:
            r.x0, r.x1 = r.x0 - lefts[1] + lefts[0], r.x1 - lefts[1] + lefts[0]
    return ordered


def page_lines(page: OcrPage, number: int) -> list[Line]:
    """One page's lines in reading order in the PDF line model (points, y upwards from the page's bottom)."""
    rows = reading_order(page)
    if not rows:
        return []
    pt = 72.0 / page.dpi
    common = statistics.median(r.size for r in rows for _ in range(len(r.text)))  # the body size, by characters
    lines = []
    for r in rows:
        size = common if abs(r.size - common) <= SAME_SIZE * common else r.size
        lines.append(Line(
            chars=[], page=number, height=page.height * pt, text=r.text, x0=r.x0 * pt, x1=r.x1 * pt,
            y=(page.height - r.y1) * pt, size=size * pt,
        ))
    return lines


def layout_text(pages: list[OcrPage]) -> str:
    """The OCR'd pages as text in the layout dialect ('#' headings, blank-line paragraphs), like formats/pdf.py's."""
    per_page = [page_lines(p, n) for n, p in enumerate(pages)]
    dropped = furniture(per_page)
    return layout_dialect([ln for lines in per_page for ln in lines if id(ln) not in dropped])


def ocr_blocks(pages: list[OcrPage]) -> list[Block]:
    """The OCR'd pages as headings, body paragraphs and captions (indexer.ingest.layout.Block), in reading order."""
    return parse_blocks(layout_text(pages))
