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
Those line rules live in formats/lines.py, shared with OCR. Single-column layouts only: newspaper columns in a
PDF's text layer come out in PDFium's reading order (OCR'd pages detect their columns).
A page without a text layer that holds an image is a scanned page: with an OCR engine (a FileOcr passed in),
it is OCR'd and its lines take the page's place (a PDF can mix typed and scanned pages).
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions, clean_title_hint
from indexer.ingest.formats.lines import Char, Line, furniture, layout_lines
from indexer.ingest.ocr import PAGE_TEXT_CHARS  # a page with an image and fewer characters is scanned
from indexer.ingest.ocr.scanned import has_image

if TYPE_CHECKING:
    from indexer.ingest.ocr.session import FileOcr

MIN_TEXT = 20  # non-space characters in the whole file below which it has no (usable) text layer


def _font(tp: object, k: int, flags: ctypes.c_int) -> tuple[float, bool]:
    """(font size, bold) of character k's text object: by weight, by a bold font name, or by the FORCEBOLD flag."""
    size = float(pdfium_c.FPDFText_GetFontSize(tp, k) or 10.0)
    if pdfium_c.FPDFText_GetFontWeight(tp, k) >= 600:
        return size, True
    buf = ctypes.create_string_buffer(128)
    pdfium_c.FPDFText_GetFontInfo(tp, k, buf, 128, flags)
    name = buf.value.decode("latin-1", "replace").lower()
    return size, any(w in name for w in ("bold", "black", "heavy")) or bool(flags.value & (1 << 18))


def _chars(textpage: pdfium.PdfTextPage, limit: int, page_no: int) -> tuple[list[Char], int]:
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
    out: list[Char] = []
    seen: dict[tuple[str, int, int], Char] = {}
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
        c = Char(ch, rect.left, rect.right, rect.bottom, font[0], font[1])
        gx, gy = round(c.x0), round(c.y)
        twin = next((seen[key] for dx in (0, -1, 1) for dy in (0, -1, 1) if (key := (ch, gx + dx, gy + dy)) in seen), None)
        if twin is not None:
            twin.bold = True  # drawn twice, slightly offset: how Word fakes bold for CJK fonts without a bold face
            continue
        seen[(ch, gx, gy)] = c
        out.append(c)
    return out, unmapped


def _page_lines(chars: list[Char], page: int, height: float) -> list[Line]:
    lines: list[Line] = []
    current: list[Char] = []
    for ch in chars:
        if current:
            last = current[-1]
            same_line = abs(ch.y - last.y) < 0.5 * max(ch.size, last.size) and ch.x0 > last.x0 - 2 * ch.size
            if not same_line:
                lines.append(Line(current, page, height).finish())
                current = []
        current.append(ch)
    if current:
        lines.append(Line(current, page, height).finish())
    return [ln for ln in lines if ln.text]


def extract(data: bytes, name: str, options: FormatOptions, ocr: FileOcr | None = None) -> Extracted:
    """The text layer of every page in reading order, laid out as headings and paragraphs (see module doc);
    scanned pages OCR'd through `ocr` when it is given."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise FormatError("encrypted PDF (needs a password); save an unprotected copy") from None
        raise FormatError(f"not a readable PDF ({exc})") from None
    warnings: list[str] = []
    try:
        n = len(doc)
        if n > options.max_pages:
            raise FormatError(f"{n:,} pages, over the {options.max_pages:,}-page limit (max_pages)")
        pages: list[list[Line]] = []
        scanned: list[int] = []
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
                if len(chars) < PAGE_TEXT_CHARS and has_image(page):  # the rule of ocr/scanned.is_scanned
                    scanned.append(i)
            finally:
                page.close()
            unmapped += bad
            total += len(chars) + bad
            pages.append(_page_lines(chars, i, height))
        visible = sum(len(ln.text.replace(" ", "")) for page in pages for ln in page)
        if unmapped > max(MIN_TEXT, 0.1 * total):
            raise FormatError(f"text layer unreadable: {unmapped:,} characters have no Unicode mapping (scanned or broken fonts?)")
        if scanned and ocr is not None:
            read = _ocr_pages(doc, scanned, ocr, typed=visible >= MIN_TEXT, warnings=warnings)
            for i, lines in read.items():
                pages[i] = lines
            visible = sum(len(ln.text.replace(" ", "")) for page in pages for ln in page)
        elif scanned and visible >= MIN_TEXT:
            warnings.append(f"page(s) {_listed(scanned)} are scanned and were not read (OCR is off)")
        meta = doc.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise FormatError(f"corrupt PDF ({exc})") from None
    finally:
        doc.close()
    if visible < MIN_TEXT:
        raise FormatError("no text layer (scanned?), and no page image to OCR" if not scanned else
                          "no text layer (scanned?): OCR is off" if ocr is None else
                          "no text layer (scanned?), and OCR found no text on its pages")
    dropped = furniture(pages)
    lines = [ln for page in pages for ln in page if id(ln) not in dropped]
    return Extracted(text=layout_lines(lines), format="pdf", title_hint=clean_title_hint(meta.get("Title"), name),
                     warnings=warnings)


def _ocr_pages(doc: pdfium.PdfDocument, scanned: list[int], ocr: FileOcr, *, typed: bool,
               warnings: list[str]) -> dict[int, list[Line]]:
    """The scanned pages' lines by OCR; when the engine is missing and other pages have text, those are kept
    and a warning names the pages not read (without any text the file is skipped with the install command)."""
    from indexer.ingest.ocr import OcrUnavailable
    from indexer.ingest.ocr.pages import page_lines
    from indexer.ingest.ocr.scanned import render_page

    try:
        found = ocr.read(scanned, lambda i: render_page(doc, i, max_pixels=ocr.max_pixels))
    except OcrUnavailable as exc:
        if not typed:
            raise
        warnings.append(f"page(s) {_listed(scanned)} are scanned and were not read: {exc}")
        return {}
    return {i: page_lines(page, i) for i, page in found.items()}


def _listed(pages: list[int]) -> str:
    """Page numbers for a message: '3, 4, 7' (the first ten, then '…')."""
    return ", ".join(str(i + 1) for i in pages[:10]) + (" …" if len(pages) > 10 else "")
