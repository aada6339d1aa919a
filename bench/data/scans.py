"""Scanned report pages made from text we control: the OCR benchmark's and the OCR tests' inputs, never downloaded.

A report ((kind, text) blocks, as report_files.REPORT) is typeset by reportlab in a CJK font (one column, or two
columns under a full-width title), with a running header and a page-number footer; PDFium renders each page at
a chosen resolution; `degrade` makes the rendering look scanned (grey, uneven paper; ink that is not black;
blur; sensor noise; the page fed in at an angle up to 1°). The pages are then packed as scans come: PNG, a
multi-page TIFF, or an image-only PDF (JPEG inside, as scanners write them). Every page also records the text
drawn on it, line by line in reading order, so OCR output can be scored against it (`edit_distance`).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.data.report_files import REPORT, TITLE

Blocks = Sequence[tuple[str, str]]
FONT = "STSong-Light"  # Adobe-GB1 CID font: PDFium draws it with the system's CJK font (fonts-noto-cjk)
BODY = 12.0  # points: the body size of a printed report page (小四)
SIZES = {"title": 20.0, "heading": 15.0}
NO_LINE_START = "，。、；：？！”’）》」』〕】,.;:?!)%"


@dataclass
class Typeset:
    """A typeset report: its PDF (text layer), and per page the lines drawn, in reading order (furniture included)."""

    pdf: bytes
    pages: list[list[str]] = field(default_factory=list)


def bodies(report: Blocks = REPORT) -> list[str]:
    """The body paragraphs of a report as a reader sees them (a lead's marker removed), to compare OCR output with."""
    return [t.replace("|", "") for k, t in report if k in ("body", "lead") and t != "各位代表："]


def typeset(report: Blocks = REPORT, *, columns: int = 1, title: str = TITLE, footer: str = "— {n} —") -> Typeset:
    """The report on A4 pages: title (full width), then the blocks flowed through `columns` columns per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    margin, gutter = (72.0, 0.0) if columns == 1 else (56.0, 28.0)
    col_width = (width - 2 * margin - gutter * (columns - 1)) / columns
    top, bottom = height - 80.0, 72.0
    out = Typeset(b"")
    state: dict[str, Any] = {"y": top, "col": 0, "page": 1, "lines": [[] for _ in range(columns)], "head": [], "column_top": top}

    def start_page() -> None:
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, height - 40, title)
        state["head"] = [title]

    def end_page() -> None:
        footer_text = footer.format(n=state["page"])
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, 36, footer_text)
        out.pages.append([*state["head"], *[ln for col in state["lines"] for ln in col], footer_text])
        c.showPage()

    def need(h: float) -> None:
        if state["y"] - h < bottom and any(state["lines"]):
            if state["col"] + 1 < columns:
                state.update(col=state["col"] + 1, y=state["column_top"])
            else:
                end_page()
                state.update(page=state["page"] + 1, y=top, col=0, lines=[[] for _ in range(columns)], column_top=top)
                start_page()

    def draw(x: float, text: str, size: float) -> None:
        c.setFont(FONT, size)
        c.drawString(x, state["y"], text)
        state["lines"][state["col"]].append(text)

    start_page()
    for kind, text in report:
        if kind == "title":  # across the whole page, above the columns
            c.setFont(FONT, SIZES["title"])
            c.drawCentredString(width / 2, state["y"], text)
            state["head"].append(text)
            state["y"] -= SIZES["title"] * 2.2
            state["column_top"] = state["y"]
            continue
        left = margin + state["col"] * (col_width + gutter)
        size = SIZES.get(kind, BODY)
        plain = text.replace("|", "")
        centred = kind in ("delivered", "byline")
        indent = 2 * size if kind in ("body", "lead") and plain != "各位代表：" else 0.0
        pos, first = 0, True
        while pos < len(plain):
            need(size * (2.2 if kind == "heading" else 1.8))
            left = margin + state["col"] * (col_width + gutter)
            room = col_width - (indent if first else 0.0)
            end = pos + 1
            while end < len(plain) and pdfmetrics.stringWidth(plain[pos:end + 1], FONT, size) <= room:
                end += 1
            while end < len(plain) and plain[end] in NO_LINE_START:
                end += 1  # hanging punctuation: a line never starts with "。" or "，" (GB/T 15834 typesetting)
            shift = (col_width - pdfmetrics.stringWidth(plain[pos:end], FONT, size)) / 2 if centred else 0.0
            draw(left + (indent if first else 0.0) + shift, plain[pos:end], size)
            state["y"] -= size * (2.0 if kind == "heading" else 1.8)
            pos, first = end, False
        state["y"] -= size * 0.4
    end_page()
    c.save()
    out.pdf = buf.getvalue()
    return out


def render(pdf: bytes, dpi: float) -> list[Any]:
    """Each page of the PDF as greyscale pixels (numpy uint8) at `dpi`, by PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pages.append(bitmap.to_numpy().reshape(bitmap.height, bitmap.width).copy())
            bitmap.close()
            page.close()
        return pages
    finally:
        doc.close()


def degrade(pixels: Any, dpi: float, seed: int, *, max_skew: float = 1.0) -> Any:
    """A clean rendering made to look scanned: skew up to max_skew°, blur, grey uneven paper, grey ink, noise."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(-max_skew, max_skew))
    img = Image.fromarray(pixels).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(radius=0.6 * dpi / 200))
    ink = 1.0 - np.asarray(img, dtype=np.float32) / 255.0  # 0 paper … 1 full ink
    h, w = ink.shape
    paper = rng.uniform(205, 235) + np.linspace(-8, 8, w, dtype=np.float32)[None, :] * rng.choice((-1, 1))
    dark = rng.uniform(25, 70)
    out = paper - ink * (paper - dark) + rng.normal(0, 9, size=(h, w)).astype(np.float32)
    specks = rng.random((h, w)) < 0.0004  # dust
    out[specks] = dark
    return np.clip(out, 0, 255).astype(np.uint8)


def as_png(pixels: Any, dpi: float) -> bytes:
    """One page as a PNG with its resolution recorded."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def as_tiff(pages: Sequence[Any], dpi: float) -> bytes:
    """The pages as one multi-page TIFF (LZW, lossless)."""
    from PIL import Image

    images = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return buf.getvalue()


def as_image_pdf(pages: Sequence[Any], dpi: float, quality: int = 75) -> bytes:
    """The pages as an image-only PDF (each page one JPEG, no text layer), as a scanner writes it."""
    from PIL import Image

    images = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=quality)
    return buf.getvalue()


def compact(text: str, *, fold: bool = True) -> str:
    """Text as scored: whitespace removed and, with fold, NFKC-folded (full- and half-width punctuation alike)."""
    if fold:
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers 1999 / Hyyrö 2001): O(len(a)·len(b)/word) with Python integers."""
    if not a or not b:
        return len(a) + len(b)
    m = len(a)
    full = (1 << m) - 1
    high = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


def whole(found: Sequence[str], wanted: Sequence[str], tolerance: float = 0.05) -> list[bool]:
    """For each wanted paragraph: is one found paragraph it, whole (≤ max(2, tolerance·length) characters differ)?"""
    pool = [compact(f) for f in found]
    out = []
    for w in wanted:
        cw = compact(w)
        allowed = max(2, int(tolerance * len(cw)))
        out.append(any(abs(len(f) - len(cw)) <= allowed and edit_distance(cw, f) <= allowed for f in pool))
    return out
