"""Report ids: one rule for the id the indexer makes from a file name and for what the web accepts as an id.

An id is the file name's stem made safe for a URL path segment: Unicode letters and digits, '_', '.', '-',
never starting or ending with '.' or '-' (so never '.' or '..', never a path), NFC, at most
MAX_REPORT_ID_CHARS characters. `is_report_id` accepts exactly the strings `report_id` can return.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from indexer.limits import MAX_REPORT_ID_CHARS

_UNSAFE = re.compile(r"[^\w.\-]+")  # one class, one quantifier: linear on any name


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", unicodedata.normalize("NFC", text)).strip("-.")


def _hashed(name: str, prefix: str) -> str:
    return f"{prefix}-{hashlib.sha1(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def report_id(rel: str) -> str:
    """The id of the report in file rel (a path relative to the corpus): its file name's stem, made safe."""
    name = rel.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    slug = _slug(stem)
    if len(slug) > MAX_REPORT_ID_CHARS:  # longer than any file system allows a name; kept distinct by a hash
        slug = _hashed(name, slug[: MAX_REPORT_ID_CHARS - 9])
    return slug if is_report_id(slug) else _hashed(name, "report")


def is_report_id(text: str) -> bool:
    """True when text is an id report_id can make (the index lookup then decides whether it exists)."""
    return 0 < len(text) <= MAX_REPORT_ID_CHARS and _slug(text) == text
