"""Text size from the ink: how tall a line's characters are, measured on the page image inside the engine's box.

Engines pad their boxes by varying amounts (RapidOCR's box for one 12-point line is 34 to 44 pixels high at
200 dpi, a 15-point heading's 42), so a box's height cannot tell a heading from body text. The rows of the
box that hold ink can: Chinese characters fill most of their em square, so the ink's height is ~0.9 of the
font size, to a pixel, in every line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.ingest.ocr import OcrBox

ROW_SHARE = 0.15  # a row holds the line's ink when it has at least this share of the inkiest row's dark pixels


PIECE = 3  # box heights: the width of the pieces a line's ink is measured in
GAP = 0.12  # box heights: blank rows closer than this inside a band of ink (strokes of 三) do not split it
MIN_CONTRAST = 40  # grey levels between paper and ink below which a box holds no ink to measure


def ink_height(pixels: Any, box: OcrBox) -> float:
    """The height in pixels of the ink inside the box (0.0 when the box holds none).

    Paper and ink levels are the box's own (a line box is a fifth to a third ink), so uneven paper and a
    nearly empty page do not move the threshold.
    """
    import numpy as np

    h, w = pixels.shape
    y0, y1 = max(0, int(box.y0)), min(h, int(box.y1 + 1))
    x0, x1 = max(0, int(box.x0)), min(w, int(box.x1 + 1))
    if y1 <= y0 or x1 <= x0:
        return 0.0
    crop = pixels[y0:y1, x0:x1]
    lo, hi = np.percentile(crop, (3, 90))
    if hi - lo < MIN_CONTRAST:
        return 0.0
    dark = crop < (lo + hi) / 2
    # Measured in pieces a few characters wide and the median taken: a line left a fraction of a degree off
    # level is taller than its characters over its whole width, but not over a few of them.
    piece = max(1, round(PIECE * (y1 - y0)))
    gap = max(2, round(GAP * (y1 - y0)))
    heights = [_band(dark[:, x:x + piece].sum(axis=1), gap) for x in range(0, dark.shape[1], piece)]
    heights = [h for h in heights if h]
    return float(np.median(heights)) if heights else 0.0


def _band(rows: Any, gap: int) -> int:
    """Height of the inkiest band of rows (runs of inked rows closer than `gap` are one band): the line itself,
    not a descender of the line above or a speck below that the box also caught."""
    inked = [i for i, n in enumerate(rows) if n >= max(1, ROW_SHARE * rows.max())]
    best = height = 0
    start = prev = -gap - 1
    ink = 0
    for i in [*inked, None]:
        if i is None or i - prev > gap:
            if prev >= 0 and ink > best:
                best, height = ink, prev - start + 1
            if i is None:
                break
            start, ink = i, 0
        ink += int(rows[i])
        prev = i
    return height


def with_sizes(pixels: Any, boxes: list[OcrBox]) -> list[OcrBox]:
    """The boxes with `size` set to the height of their ink."""
    return [replace(b, size=ink_height(pixels, b)) for b in boxes]
