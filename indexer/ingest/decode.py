"""Report bytes → text: the encoding (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, or the
catalog's declared one), line ends, stray control characters, and HTML markup removed from plain text.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass

MAX_BAD_RATIO = 0.02  # more undecodable characters than this (share of non-ASCII) → "mostly undecodable"


class DecodeError(ValueError):
    """The bytes are not text this project can read (binary, or mostly undecodable)."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus how it was decoded and how many undecodable bytes were replaced by U+FFFD."""

    text: str
    encoding: str
    replaced: int = 0


def _lenient(data: bytes, encoding: str) -> tuple[str, int, float]:
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return text, bad, bad / max(1, non_ascii)


def _clean_decoded(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0xFEFF: None, 0x2028: "\n", 0x2029: "\n", 0x85: "\n", 0x0C: "\n", 0x0B: "\n"})
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise DecodeError("binary file (control characters), not text")
    return "".join(c for c in text if ord(c) >= 32 or c in "\n\t") if controls else text


def decode_report(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode UTF-8 (BOM ok), UTF-16 with BOM or GB18030/GBK; a declared encoding wins; CRLF/CR → LF."""
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DecodeError("binary file (contains NUL bytes), not text")
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
    elif codecs.lookup(encoding).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    for name in candidates:
        try:
            return Decoded(_clean_decoded(data.decode(name)), name)
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise DecodeError(f"unknown encoding {name!r}") from None
    # Nothing decodes cleanly: take the candidate with the fewest bad bytes if they are only a few.
    # (UTF-8 is tried first because UTF-8 bytes often "decode" as GB18030 mojibake without errors.)
    best = min((_lenient(data, name) + (name,) for name in candidates), key=lambda r: r[2])
    text, bad, ratio, name = best
    if ratio > MAX_BAD_RATIO:
        declared = f" as the declared {encoding}" if encoding else " as UTF-8 or GB18030"
        raise DecodeError(f"mostly undecodable{declared} ({bad} bad characters)")
    return Decoded(_clean_decoded(text), name, bad)


def decode(data: bytes, encoding: str | None = None) -> str:
    """Bytes → text (see decode_report); raises DecodeError for binary or mostly undecodable data."""
    return decode_report(data, encoding).text


# Linear on any input: a tag's attributes are matched up to the next '<' or '>' ([^<>]), never to the end of
# the text (one unclosed `<p ` per line made that quadratic); no two quantifiers can match the same spaces.
_TAG_HINT = re.compile(r"<\s*(?:/\s*)?[A-Za-z!]")
_SCRIPT = re.compile(r"<\s*(script|style|noscript|template)\b.*?(?:<\s*/\s*\1\s*>|\Z)", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HEADING_TAG = re.compile(r"<\s*h([1-6])\b[^<>]*>", re.I)
_BLOCK_TAG = re.compile(r"<\s*(?:/\s*)?(?:p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|blockquote)\b[^<>]*>", re.I)
_BR = re.compile(r"<\s*br\s*(?:/\s*)?>", re.I)
_ANY_TAG = re.compile(r"<\s*(?:/\s*)?[A-Za-z][A-Za-z0-9:-]*+(?:\s[^<>]*+|/\s*)?>|<!DOCTYPE(?:[^<>]|<(?!!DOCTYPE))*+>", re.I)


def strip_markup(text: str) -> tuple[str, bool]:
    """Remove <script>/<style> blocks and HTML tags (block tags become paragraph breaks); True if any removed."""
    if not _TAG_HINT.search(text):
        return text, False
    out = _COMMENT.sub("", _SCRIPT.sub("", text))
    out = _HEADING_TAG.sub(lambda m: "\n\n" + "#" * int(m.group(1)) + " ", out)
    out = _BR.sub("\n", _BLOCK_TAG.sub("\n\n", out))
    out = _ANY_TAG.sub("", out)
    if out != text:
        out = html.unescape(out)
    return out, out != text
