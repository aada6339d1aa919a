"""Page images (PNG, JPEG, TIFF with one or many pages) → greyscale arrays, checked from their headers first.

An image file says in its header how many pixels it holds; a 100-byte PNG can declare 100,000 × 100,000
(ten billion pixels, 10 GB decoded). So every page's declared size, and a TIFF's number of pages, are read
here from the header bytes by our own small parsers before Pillow decodes anything: a page over
MAX_IMAGE_PIXELS or a file over MAX_OCR_PAGES pages is refused by name. Pillow's own bomb check stays on as
a backstop. Pages larger than OCR needs (over OCR_MAX_SIDE pixels) are scaled down as they are decoded.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from indexer.ingest.formats.base import FormatError
from indexer.ingest.ocr import MAX_IMAGE_PIXELS, MAX_OCR_PAGES, OCR_MAX_SIDE

A4_WIDTH_INCHES = 8.27  # a page image without a resolution is taken to be an A4 page's width
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers (not DHT, JPG, DAC)


@dataclass(frozen=True)
class PageImage:
    """One page as 8-bit greyscale pixels (rows × columns) and its resolution in dots per inch."""

    pixels: Any  # numpy.ndarray of uint8, shape (height, width)
    dpi: float


def image_kind(data: bytes) -> str | None:
    """"png", "jpeg" or "tiff" from the file's magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise FormatError("not a readable PNG (no IHDR header)")
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise FormatError("not a readable JPEG (broken marker structure)")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            if not height or not width:
                raise FormatError("JPEG without its size in the header (not supported)")
            return width, height
        if length < 2:
            raise FormatError("not a readable JPEG (broken marker structure)")
        pos += 2 + length
    raise FormatError("not a readable JPEG (no frame header)")


_TIFF_TYPES = {3: ("H", 2), 4: ("I", 4)}  # SHORT, LONG: the types ImageWidth/ImageLength may have


def _tiff_sizes(data: bytes, max_pages: int) -> list[tuple[int, int]]:
    """(width, height) of every page (IFD) of a classic TIFF, following the IFD chain; loops are refused."""
    order = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    sizes: list[tuple[int, int]] = []
    seen: set[int] = set()
    while offset:
        if offset in seen:
            raise FormatError("broken TIFF: its page list loops back on itself")
        seen.add(offset)
        if len(sizes) >= max_pages:
            raise FormatError(f"over {max_pages:,} pages, over the {max_pages:,}-page OCR limit (max_ocr_pages)")
        if offset + 2 > len(data):
            raise FormatError("broken TIFF: a page directory points past the end of the file")
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        end = offset + 2 + 12 * count
        if end + 4 > len(data):
            raise FormatError("broken TIFF: a page directory runs past the end of the file")
        tags: dict[int, int] = {}
        for k in range(count):
            tag, kind, n = struct.unpack(order + "HHI", data[offset + 2 + 12 * k:offset + 10 + 12 * k])
            if tag in (256, 257) and kind in _TIFF_TYPES and n == 1:
                code, size = _TIFF_TYPES[kind]
                (tags[tag],) = struct.unpack(order + code, data[offset + 10 + 12 * k:offset + 10 + 12 * k + size])
        if 256 not in tags or 257 not in tags:
            raise FormatError(f"broken TIFF: page {len(sizes) + 1} has no width or height")
        sizes.append((tags[256], tags[257]))
        (offset,) = struct.unpack(order + "I", data[end:end + 4])
    return sizes


def declared_sizes(data: bytes, *, max_pages: int = MAX_OCR_PAGES, max_pixels: int = MAX_IMAGE_PIXELS) -> list[tuple[int, int]]:
    """(width, height) of each page as the header declares it; FormatError for a bomb, a page limit or a broken header."""
    kind = image_kind(data)
    if kind == "png":
        sizes = [_png_size(data)]
    elif kind == "jpeg":
        sizes = [_jpeg_size(data)]
    elif kind == "tiff":
        sizes = _tiff_sizes(data, max_pages)
    else:
        raise FormatError("not a PNG, JPEG or TIFF image")
    for n, (w, h) in enumerate(sizes, 1):
        if w * h > max_pixels:
            where = f"page {n} declares" if len(sizes) > 1 else "declares"
            raise FormatError(
                f"image bomb? {where} {w:,} × {h:,} pixels ({w * h:,}), over the {max_pixels:,}-pixel limit (max_image_pixels)"
            )
        if not w or not h:
            raise FormatError("the image declares a size of zero pixels")
    return sizes


def _dpi(frame: Any) -> float:
    dpi = frame.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 50 <= value <= 2400 else frame.size[0] / A4_WIDTH_INCHES


def _decode(frame: Any, max_side: int) -> PageImage:
    import numpy as np
    from PIL import Image

    dpi = _dpi(frame)
    w, h = frame.size
    scale = min(1.0, max_side / max(w, h))
    if frame.format == "JPEG" and scale < 1:
        frame.draft("L", (round(w * scale), round(h * scale)))  # decode at a reduced size (DCT scaling): faster, smaller
    grey = frame.convert("L")
    if max(grey.size) > max_side:
        factor = max_side / max(grey.size)
        grey = grey.resize((max(1, round(grey.size[0] * factor)), max(1, round(grey.size[1] * factor))), Image.Resampling.LANCZOS)
    return PageImage(np.asarray(grey, dtype=np.uint8), dpi * grey.size[0] / w)


def read_pages(
    data: bytes, *, max_pages: int = MAX_OCR_PAGES, max_pixels: int = MAX_IMAGE_PIXELS, max_side: int = OCR_MAX_SIDE,
) -> Iterator[PageImage]:
    """Each page of a PNG/JPEG/TIFF as greyscale pixels, one at a time; FormatError (refused by name) before any decoding."""
    sizes = declared_sizes(data, max_pages=max_pages, max_pixels=max_pixels)
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                for n in range(len(sizes)):
                    if n:
                        img.seek(n)
                    if img.size[0] * img.size[1] > max_pixels:  # Pillow read a different size than our parser: still refused
                        raise FormatError(f"image bomb? page {n + 1} is {img.size[0]:,} × {img.size[1]:,} pixels (max_image_pixels)")
                    yield _decode(img, max_side)
    except FormatError:
        raise  # (a ValueError too: not to be reworded below)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FormatError(f"image bomb? {exc}") from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        raise FormatError(f"not a readable image ({type(exc).__name__}: {str(exc)[:200]})") from None
