"""What a report file is, from its first bytes (magic numbers), never from its name.

The name says what a file claims to be; the bytes say what it is. Government sites serve web pages and
.docx files named .doc, downloads save error pages as .pdf, and a hostile file can claim any suffix to
reach the parser it wants. So the parser is chosen here, by content, before any parser runs. Only the
first SNIFF_BYTES are looked at, so sniffing costs the same for every file.

Kinds: "pdf", "docx" (any zip: docx.extract says when it is not a Word document), "doc" (OLE2, Word 97–2003)
and "rtf" (both need the .doc converter), "html" (the first thing in the file is a tag), "image" (PNG, JPEG or
TIFF: a scanned page, read by OCR), "text" (anything else that is not a known binary type; the decoder decides
whether it really is text) and "other" (a known binary type that is no report: other images, archives, programs…).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePath

from indexer.ingest.formats.base import IMAGE_SUFFIXES

SNIFF_BYTES = 4096
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"
CONVERTED = ("doc", "rtf")  # kinds read through the .doc converter (an installed program, not our code)

# Known binary types that are no report: (signature, offset, what it is). Only signatures that cannot start
# a plain-text report (non-ASCII or control bytes in them, or checked at an offset text would not have).
_IMAGES: tuple[tuple[bytes, str], ...] = (  # page images (scans), read by OCR
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_OTHER: tuple[tuple[bytes, int, str], ...] = (
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"RIFF", 0, "a RIFF media file (WAV, AVI or WebP)"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "a zstd archive"),
    (b"ustar", 257, "a tar archive"),
    (b"\x7fELF", 0, "a Linux program (ELF)"),
    (b"\xca\xfe\xba\xbe", 0, "a Java class or macOS program"),
    (b"\xcf\xfa\xed\xfe", 0, "a macOS program"),
    (b"\x00asm", 0, "a WebAssembly module"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"ID3\x03", 0, "an MP3 audio file"),
    (b"ID3\x04", 0, "an MP3 audio file"),
    (b"OggS\x00", 0, "an Ogg media file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"ftyp", 4, "an MP4/MOV video"),
    (b"\x1aE\xdf\xa3", 0, "a Matroska/WebM video"),
    (b"%!PS", 0, "a PostScript file"),
    (b"AT&TFORM", 0, "a DjVu document"),
    (b"MSCF\x00", 0, "a Windows cabinet archive"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")  # block size digit, then the block magic
_TAG_START = re.compile(rb"<[A-Za-z!?]")


@dataclass(frozen=True)
class Sniffed:
    """The kind of a file (which parser reads it) and, for people, what it looks like."""

    kind: str  # "pdf" | "docx" | "doc" | "rtf" | "html" | "image" | "text" | "other"
    what: str  # "a PDF document", "a PNG image", …


def _text_head(head: bytes) -> bytes:
    """The head as ASCII-compatible bytes: UTF-16 (with BOM) decoded, a UTF-8 BOM and leading blanks dropped."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head[: len(head) // 2 * 2].decode("utf-16", "replace").encode("utf-8", "replace")
    return head.removeprefix(codecs.BOM_UTF8).lstrip()


def sniff(data: bytes) -> Sniffed:
    """The file's kind from its first SNIFF_BYTES bytes (see the module doc)."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:1024]:  # PDF readers accept the header anywhere in the first kilobyte
        return Sniffed("pdf", "a PDF document")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Sniffed("docx", "a zip archive")
    if head.startswith(OLE_MAGIC):
        return Sniffed("doc", "a legacy Office (OLE2) file")
    if head.startswith(RTF_MAGIC):
        return Sniffed("rtf", "an RTF document")
    for magic, what in _IMAGES:
        if head.startswith(magic):
            return Sniffed("image", what)
    for magic, offset, what in _OTHER:
        if head[offset:offset + len(magic)] == magic:
            return Sniffed("other", what)
    if _BZIP2.match(head):
        return Sniffed("other", "a bzip2 archive")
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return Sniffed("other", "a Windows program")
    if _TAG_START.match(_text_head(head)):
        return Sniffed("html", "an HTML page")
    return Sniffed("text", "plain text")


# What each file name suffix claims; a file is read as what it is, with a warning when the claim is wrong.
# (.doc has always covered web pages, RTF and .docx files saved under that name: docs/formats.md.)
CLAIMS: dict[str, tuple[str, ...]] = {
    ".pdf": ("pdf",), ".docx": ("docx",), ".doc": ("doc", "rtf", "docx", "html"),
    ".html": ("html",), ".htm": ("html",), ".txt": ("text",), ".md": ("text",),
    **dict.fromkeys(IMAGE_SUFFIXES, ("image",)),
}
READ_AS = {"pdf": "a PDF", "docx": "a Word .docx", "doc": "a legacy Word .doc", "rtf": "an RTF document",
           "html": "a web page", "text": "plain text", "image": "a scanned page image (OCR)"}


def image_claimed_as_document(found: Sniffed, name: str) -> bool:
    """True for a page image under a document's name (a PNG saved as .pdf): refused, not OCR'd, as before OCR came."""
    claimed = CLAIMS.get(PurePath(name).suffix.lower())
    return found.kind == "image" and claimed is not None and "image" not in claimed


def mismatch(found: Sniffed, name: str) -> str:
    """A warning when the content is not what the file name claims ("" when it is)."""
    suffix = PurePath(name).suffix.lower()
    claimed = CLAIMS.get(suffix)
    if claimed is None or found.kind in claimed:
        return ""
    return f"the content is {found.what}, not what the name {suffix} says: read as {READ_AS.get(found.kind, found.what)}"
