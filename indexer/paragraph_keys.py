"""A paragraph's permalink key: the rule the build applies to store it with each paragraph (permalink_key);
hits, the report view and permalink look-ups read the stored key.

The key is the first KEY_CHARS hex digits of the SHA-256 of the paragraph's text with whitespace removed (so a
re-parse that only moves spaces or line breaks keeps it); the k-th paragraph (k ≥ 2) of one report with the
same text gets "-k" (paragraphs counted in position order).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

KEY_CHARS = 10  # 40 bits: two paragraphs of one report sharing a key by chance is vanishingly rare


def text_key(text: str) -> str:
    """The digest part of a paragraph's key."""
    return hashlib.sha256("".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()[:KEY_CHARS]


def report_keys(texts: Sequence[str]) -> list[str]:
    """The keys of a report's paragraphs, given their texts in position order."""
    counts: dict[str, int] = {}
    out = []
    for text in texts:
        key = text_key(text)
        seen = counts.get(key, 0)
        out.append(key if seen == 0 else f"{key}-{seen + 1}")
        counts[key] = seen + 1
    return out
