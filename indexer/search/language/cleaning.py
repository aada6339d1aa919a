"""A query string made safe to lex: control characters out, whitespace collapsed, the length cap applied."""

from __future__ import annotations

import re
import unicodedata

from indexer.limits import MAX_QUERY_CHARS

_SPACE = re.compile(r"\s+")


def clean(q: str, notices: list[str]) -> str:
    """Control characters removed (whitespace ones → spaces), the length cap applied, whitespace collapsed."""
    if not isinstance(q, str):
        q = str(q)
    out = []
    bad = False
    for ch in q:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\u3000":
            out.append(" ")
        elif cat in ("Zl", "Zp") or (cat == "Cc" and ch.isspace()):
            bad = True
            out.append(" ")
        elif cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            bad = True  # dropped, not spaced: "诉源\x01治理" is the word 诉源治理, not two words
        else:
            out.append(ch)
    text = "".join(out)
    if bad:
        notices.append("已忽略控制字符")
    text = _SPACE.sub(" ", text).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].strip()
        notices.append(f"查询过长，只使用前 {MAX_QUERY_CHARS} 个字符")
    return text
