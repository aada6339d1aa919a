"""Traditional ⇄ simplified Chinese characters (OpenCC, the well-kept converter), for matching what people type.

One place for the conversion so every feature folds text the same way (suggestions, did-you-mean, and
query-time folding). The converters load once per process, on first use (never at import).
"""

from __future__ import annotations

import re

from indexer.once import made_once

_SURROGATES = re.compile("([\ud800-\udfff]+)")


@made_once(maxsize=2)
def _converter(config: str):  # noqa: ANN202 - opencc has no type stubs
    import opencc  # deferred: loading the dictionaries is the converter's cost, paid on first use only

    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    if not text:
        return text
    if _SURROGATES.search(text) is None:
        return _converter(config).convert(text)
    # OpenCC takes UTF-8: convert the runs between lone surrogates (never Chinese) and keep those as they are
    return "".join(p if i % 2 else _converter(config).convert(p) for i, p in enumerate(_SURROGATES.split(text)))


def to_simplified(text: str) -> str:
    """text with traditional characters replaced by simplified ones (OpenCC t2s); other characters kept."""
    return _convert("t2s", text)


def to_traditional(text: str) -> str:
    """text with simplified characters replaced by traditional ones (OpenCC s2t); other characters kept."""
    return _convert("s2t", text)
