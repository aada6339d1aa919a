"""The layout rules every reader shares: what ends a sentence, which marks close one, how wrapped lines join,
what a page number and a written date look like.

layout.py (text and Markdown, and the text every other format is turned into), formats/pdf.py, formats/docx.py,
formats/html.py and reading.py (cutting an over-long paragraph) all decide with these, so a report reads into
the same paragraphs whatever its format. Every pattern here is linear: no nested or overlapping repetition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FULL_STOPS = "。！？!?"  # end a sentence and a thought: a bold lead or a topic sentence stops here
SENTENCE_END = FULL_STOPS + "；;"
ENDED = SENTENCE_END + "：:…"  # a line ending so is complete (a colon announces what follows); never a cut
CLOSERS = "”’」』）)》】\"'"  # quotes and brackets that may stand after the end of a sentence


def char_class(chars: str) -> str:
    """chars as the inside of a regex character class ("[" + char_class(SENTENCE_END) + "]")."""
    return "".join(re.escape(c) for c in chars)


def bare(text: str) -> str:
    """text without the spaces and closing quotes or brackets at its end: what is left says how it ends."""
    return text.rstrip().rstrip(CLOSERS)


def ends(text: str, chars: str = ENDED) -> bool:
    """True when text ends with one of chars (by default: like a complete line), closing marks aside."""
    t = bare(text)
    return bool(t) and t[-1] in chars


def has_sentence_end(text: str) -> bool:
    """True when text holds the end of a sentence anywhere."""
    return any(c in SENTENCE_END for c in text)


def join_wrapped(pieces: Iterable[str]) -> str:
    """The lines of one wrapped paragraph (each stripped) as one: nothing between CJK, one space between Latin
    words; an empty line adds nothing."""
    out: list[str] = []
    last = ""
    for piece in pieces:
        if not piece:
            continue
        if last.isascii() and last.isalpha() and piece[0].isascii() and piece[0].isalpha():
            out.append(" ")
        out.append(piece)
        last = piece[-1]
    return "".join(out)


# A written date: 2024年1月18日 (a dateline, a delivery date; never a heading).
CN_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"

_AROUND = r"[-—－–_~·•\s]*"  # the dashes, dots and spaces page numbers are set between: "— 3 —", "-3-"
_PAGES = r"第\s*\d{1,4}\s*页(?:\s*(?:[,，/]\s*)?共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"  # 第3页, 第3页 共9页, 3/9
# A line that is only a page number (or a stray layout number: 01, — 3 —, 第3页).
PAGE_NUMBER = re.compile(rf"^(?:{_AROUND}\d{{1,4}}{_AROUND}|{_PAGES})$")
# The same in a PDF page's top or bottom band, where a roman numeral (iv) is one too: the band tells it from
# a word, which a line of running text ("I", "C") cannot.
BAND_PAGE_NUMBER = re.compile(rf"^(?:{_AROUND}(?:\d{{1,4}}|[ivxlcIVXLC]{{1,6}}){_AROUND}|{_PAGES})$")
