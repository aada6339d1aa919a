"""Page images are checked from their headers before anything is decoded: image bombs, page limits, broken files."""

from __future__ import annotations

import struct
import sys
import zlib

import pytest

from indexer.ingest.formats import FormatError
from indexer.ingest.ocr import OcrUnavailable
from indexer.ingest.ocr.images import declared_sizes, image_kind, read_pages


def png(width: int, height: int, *, body: bytes = b"") -> bytes:
    """A PNG whose header declares width × height; its pixel data is `body` (usually far too short)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b"")


def tiff(sizes: list[tuple[int, int]], *, loop: bool = False) -> bytes:
    """A little-endian TIFF with one IFD per (width, height), no pixel data; `loop` points the last IFD back at the first."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for n, (w, h) in enumerate(sizes):
        start = len(out)
        nxt = start + 2 + 2 * 12 + 4
        last = n == len(sizes) - 1
        out += struct.pack("<H", 2)
        out += struct.pack("<HHII", 256, 4, 1, w) + struct.pack("<HHII", 257, 4, 1, h)
        out += struct.pack("<I", 8 if (last and loop) else 0 if last else nxt)
    return bytes(out)


def test_a_tiny_png_declaring_100k_by_100k_pixels_is_refused_by_name_before_decoding():
    bomb = png(100_000, 100_000)
    assert len(bomb) < 100
    with pytest.raises(FormatError, match=r"image bomb\? declares 100,000 × 100,000 pixels .*max_image_pixels"):
        next(read_pages(bomb))


def test_a_png_bomb_with_real_compressed_pixels_is_refused_without_inflating_them():
    # 20000 × 20000 zero bytes deflate to ~400 kB: refused from the header, the data never inflated.
    bomb = png(20_000, 20_000, body=bytes(20_000 * 20_001))
    with pytest.raises(FormatError, match="image bomb"):
        declared_sizes(bomb)


def test_a_tiff_whose_second_page_is_a_bomb_is_refused_naming_the_page():
    with pytest.raises(FormatError, match=r"page 2 declares 100,000 × 100,000 pixels"):
        declared_sizes(tiff([(1654, 2339), (100_000, 100_000)]))


def test_a_tiff_with_more_pages_than_the_limit_is_refused_by_name():
    with pytest.raises(FormatError, match=r"over the 3-page OCR limit \(max_ocr_pages\)"):
        declared_sizes(tiff([(100, 100)] * 4), max_pages=3)
    assert declared_sizes(tiff([(100, 100)] * 3), max_pages=3) == [(100, 100)] * 3


def test_a_tiff_whose_page_list_loops_is_refused():
    with pytest.raises(FormatError, match="loops back"):
        declared_sizes(tiff([(100, 100), (100, 100)], loop=True))


def test_a_jpeg_bomb_is_refused_from_its_frame_header():
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 60_000, 60_000, 1) + b"\x01\x11\x00"
    with pytest.raises(FormatError, match=r"image bomb\? declares 60,000 × 60,000"):
        declared_sizes(b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof)


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n", "no IHDR"),
    (b"\xff\xd8\xff\xe0\x00", "no frame header"),
    (b"II*\x00\xff\xff\x00\x00", "past the end"),
    (b"GIF89a", "not a PNG, JPEG or TIFF"),
])
def test_broken_headers_get_a_clear_message(data: bytes, message: str):
    with pytest.raises(FormatError, match=message):
        declared_sizes(data)


def test_image_kind_is_decided_by_the_first_bytes():
    assert image_kind(png(1, 1)) == "png"
    assert image_kind(tiff([(1, 1)])) == "tiff"
    assert image_kind(b"\xff\xd8\xff\xe0") == "jpeg"
    assert image_kind(b"%PDF-1.7") is None


def test_a_truncated_png_is_a_format_error_not_a_traceback():
    data = png(200, 100, body=bytes(50))  # the header is fine, the pixels stop short
    with pytest.raises(FormatError, match="not a readable image"):
        list(read_pages(data))


def test_a_missing_rapidocr_names_the_command_that_installs_it(monkeypatch: pytest.MonkeyPatch):
    from indexer.ingest.ocr.engines import load_engine

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails as if not installed
    with pytest.raises(OcrUnavailable, match=r"pip install -e '\.\[ocr\]'"):
        load_engine("rapidocr")


def test_a_missing_tesseract_names_the_apt_packages(monkeypatch: pytest.MonkeyPatch):
    from indexer.ingest.ocr import engines

    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
        engines.load_engine("tesseract")
