"""PDF (text layer) through pypdfium2: characters with their positions, font sizes and weights → paragraphs.

Why pypdfium2: it is PDFium (Chrome's PDF engine) with wheels for every platform; it maps CID fonts to Unicode
correctly, and on PDFs as Word/LibreOffice export them it reads ~3x the pages per CPU second of pdfminer.six
with our whole layout pass included (as fast on reportlab's non-embedded CID fonts, where PDFium's CMap loading
dominates); pdfminer.six also reads every fake-bold lead twice (bench/bench_formats.py, bench/RESULTS.md).
We read each character's box, size and weight and rebuild the layout ourselves:
- running headers, footers and page numbers ("— 3 —", "-3-", "第3页") are dropped by position (the top or
  bottom band of the page) together with repetition (the same text, digits aside, on several pages);
- hard-wrapped lines are rejoined; a paragraph starts at a first-line indent or after a short last line;
- a line in a larger font, or a short wholly bold line, is a heading (wrapped heading lines are joined);
- a character drawn twice at (almost) the same spot ("fake bold") is read once, and counts as bold;
- a bold run opening a paragraph is its lead; the PDF's Title metadata is kept only when it is not junk.
Single-column layouts only: newspaper columns in a PDF come out in PDFium's reading order.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions, clean_title_hint
from indexer.ingest.layout_rules import BAND_PAGE_NUMBER, CN_DATE, bare, ends, join_wrapped

BAND = 0.1  # top and bottom tenth of a page: where running headers, footers and page numbers live
_NOT_HEADING = re.compile(rf"^(?:——|—|-{{2}})|{CN_DATE}")
MIN_TEXT = 20  # non-space characters in the whole file below which it has no (usable) text layer


@dataclass
class _Char:
    c: str
    x0: float
    x1: float
    y: float  # bottom of the loose box (baseline minus the font's descent): one value for a whole line
    size: float
    bold: bool


@dataclass
class _Line:
    chars: list[_Char]
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

    def finish(self) -> _Line:
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


def _font(tp: object, k: int, flags: ctypes.c_int) -> tuple[float, bool]:
    """(font size, bold) of character k's text object: by weight, by a bold font name, or by the FORCEBOLD flag."""
    size = float(pdfium_c.FPDFText_GetFontSize(tp, k) or 10.0)
    if pdfium_c.FPDFText_GetFontWeight(tp, k) >= 600:
        return size, True
    buf = ctypes.create_string_buffer(128)
    pdfium_c.FPDFText_GetFontInfo(tp, k, buf, 128, flags)
    name = buf.value.decode("latin-1", "replace").lower()
    return size, any(w in name for w in ("bold", "black", "heavy")) or bool(flags.value & (1 << 18))


def _chars(textpage: pdfium.PdfTextPage, limit: int, page_no: int) -> tuple[list[_Char], int]:
    """The page's visible characters (duplicates drawn for fake bold merged) and how many had no Unicode mapping.

    Speed matters (hundreds of pages per report): the page's text comes in one call, and font size and
    weight once per text object; per character only its box (loose box: advance width, font ascent and
    descent, so every glyph of a line shares one baseline) and its text object are asked for.
    """
    tp = textpage.raw
    count = pdfium_c.FPDFText_CountChars(tp)
    if count > limit:
        raise FormatError(f"page {page_no} has {count:,} characters, over the {limit:,} limit (max_page_chars)")
    if count <= 0:
        return [], 0
    buf = (ctypes.c_ushort * (count + 1))()
    got = pdfium_c.FPDFText_GetText(tp, 0, count, buf)
    units = bytes(buf)[: max(0, got - 1) * 2]
    text = units.decode("utf-16-le", "replace")
    if len(text) != count:  # surrogate pairs (rare outside CJK extension B): fall back to one call per character
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, k)) for k in range(count))
    rect = pdfium_c.FS_RECTF()
    flags = ctypes.c_int()
    fonts: dict[int | None, tuple[float, bool]] = {}
    out: list[_Char] = []
    seen: dict[tuple[str, int, int], _Char] = {}
    unmapped = 0
    for k, ch in enumerate(text):
        if ch.isspace() or ch in "\x00\ufffe\uffff":
            continue  # pdfium's generated spaces and line ends: we work spaces out from positions
        if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or (k % 8 == 0 and pdfium_c.FPDFText_HasUnicodeMapError(tp, k) == 1):
            unmapped += 1 if ch >= "\ue000" else 8  # sampled: one in eight characters is asked
            continue
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(tp, k), ctypes.c_void_p).value
        font = fonts.get(obj)
        if font is None:
            font = fonts[obj] = _font(tp, k, flags)
        pdfium_c.FPDFText_GetLooseCharBox(tp, k, rect)
        c = _Char(ch, rect.left, rect.right, rect.bottom, font[0], font[1])
        gx, gy = round(c.x0), round(c.y)
        twin = next((seen[key] for dx in (0, -1, 1) for dy in (0, -1, 1) if (key := (ch, gx + dx, gy + dy)) in seen), None)
        if twin is not None:
            twin.bold = True  # drawn twice, slightly offset: how Word fakes bold for CJK fonts without a bold face
            continue
        seen[(ch, gx, gy)] = c
        out.append(c)
    return out, unmapped


def _page_lines(chars: list[_Char], page: int, height: float) -> list[_Line]:
    lines: list[_Line] = []
    current: list[_Char] = []
    for ch in chars:
        if current:
            last = current[-1]
            same_line = abs(ch.y - last.y) < 0.5 * max(ch.size, last.size) and ch.x0 > last.x0 - 2 * ch.size
            if not same_line:
                lines.append(_Line(current, page, height).finish())
                current = []
        current.append(ch)
    if current:
        lines.append(_Line(current, page, height).finish())
    return [ln for ln in lines if ln.text]


def _furniture(pages: list[list[_Line]]) -> set[int]:
    """ids of running headers, footers and page numbers: in a page's top/bottom band, numbered or repeated."""
    def band(ln: _Line) -> bool:
        return ln.y > ln.height * (1 - BAND) or ln.y < ln.height * BAND

    def shape(ln: _Line) -> str:
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


def _layout(lines: list[_Line]) -> str:
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

    def heading(ln: _Line) -> bool:
        if _NOT_HEADING.search(ln.text) or len(ln.text) > 60:
            return False
        if ln.size >= body * 1.15:
            return True
        return ln.bold > 0.9 and not _ends(ln.text) and ln.x1 < right - 2 * ln.size

    heading_sizes = sorted({round(ln.size * 2) / 2 for ln in lines if heading(ln)}, reverse=True)
    rank = {size: i for i, size in enumerate(heading_sizes)}  # (list.index per line was quadratic in distinct sizes)
    blocks: list[list[str]] = []  # each block's pieces, joined once at the end (no quadratic string growth)
    para: list[_Line] = []

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

    prev: _Line | None = None
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


def extract(data: bytes, name: str, options: FormatOptions) -> Extracted:
    """The text layer of every page in reading order, laid out as headings and paragraphs (see module doc)."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise FormatError("encrypted PDF (needs a password); save an unprotected copy") from None
        raise FormatError(f"not a readable PDF ({exc})") from None
    try:
        n = len(doc)
        if n > options.max_pages:
            raise FormatError(f"{n:,} pages, over the {options.max_pages:,}-page limit (max_pages)")
        pages: list[list[_Line]] = []
        unmapped = total = 0
        for i in range(n):
            page = doc[i]
            try:
                height = page.get_height()
                textpage = page.get_textpage()
                try:
                    chars, bad = _chars(textpage, options.max_page_chars, i + 1)
                finally:
                    textpage.close()
            finally:
                page.close()
            unmapped += bad
            total += len(chars) + bad
            pages.append(_page_lines(chars, i, height))
        meta = doc.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise FormatError(f"corrupt PDF ({exc})") from None
    finally:
        doc.close()
    visible = sum(len(ln.text.replace(" ", "")) for page in pages for ln in page)
    if unmapped > max(MIN_TEXT, 0.1 * total):
        raise FormatError(f"text layer unreadable: {unmapped:,} characters have no Unicode mapping (scanned or broken fonts?)")
    if visible < MIN_TEXT:
        raise FormatError("no text layer (scanned?); OCR it first")
    furniture = _furniture(pages)
    lines = [ln for page in pages for ln in page if id(ln) not in furniture]
    return Extracted(text=_layout(lines), format="pdf", title_hint=clean_title_hint(meta.get("Title"), name))
