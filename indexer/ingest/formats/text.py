"""Plain text and Markdown reports (.txt, .md): decoded as before (see ingest.decode); stray HTML tags removed."""

from __future__ import annotations

from indexer.ingest.decode import DecodeError, decode_report, strip_markup
from indexer.ingest.formats.base import Extracted, FormatError


def extract(data: bytes, encoding: str | None = None) -> Extracted:
    """Decoded text (UTF-8/UTF-16/GB18030 or the declared encoding) with any HTML markup stripped."""
    try:
        decoded = decode_report(data, encoding)
    except DecodeError as exc:
        raise FormatError(str(exc)) from None
    text, had_markup = strip_markup(decoded.text)
    out = Extracted(text=text, format="text", encoding=decoded.encoding, replaced=decoded.replaced)
    if had_markup:
        out.warnings.append("HTML markup (tags, <script>/<style> blocks) removed from the text")
    return out
