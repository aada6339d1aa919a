"""Traditional ⇄ simplified Chinese characters (OpenCC, the well-kept converter), for matching what people type.

One place for the conversion so every feature folds text the same way (suggestions, did-you-mean, and
query-time folding). The converters load once per process, on first use (never at import).
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=2)
def _converter(config: str):  # noqa: ANN202 - opencc has no type stubs
    import opencc  # deferred: loading the dictionaries is the converter's cost, paid on first use only

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """text with traditional characters replaced by simplified ones (OpenCC t2s); other characters kept."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """text with simplified characters replaced by traditional ones (OpenCC s2t); other characters kept."""
    return _converter("s2t").convert(text) if text else text
