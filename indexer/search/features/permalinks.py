"""Permalinks to paragraphs that survive reindexing: the report id and a digest of the paragraph's text, never its
position (a paragraph inserted above would move every position after it).

A paragraph's key (indexer/paragraph_keys.py: the digest of its text, "-k" for the k-th repeat of a text in one
report) is written by the build with the paragraph's stored fields (index format 6), so a hit's key is read with
the hit, not worked out from its report's other paragraphs. Its permalink is /p/<report id>/<key> (the web app
redirects it to the paragraph on the report page, where the paragraph also carries the fragment id k-<key>
beside the old p<position>).
"""

from __future__ import annotations

from collections.abc import Mapping

PERMALINK_PREFIX = "/p/"


def permalink(report: str, key: str) -> str:
    """The permalink path of a paragraph."""
    return f"{PERMALINK_PREFIX}{report}/{key}"


def paragraph_key(stored: Mapping) -> str:
    """One indexed paragraph's key, from its stored fields."""
    return str(stored.get("permalink_key", ""))
