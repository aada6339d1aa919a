"""Report text → blocks: layout recovery (headings, whole body paragraphs, captions).

The parser knows three families of layout and is written for variants it has not seen:
Markdown-ish news text (`#` headings, `**bold leads**`, `■` bullets, layout numbers, bylines, datelines),
newspaper columns (sentences broken across blank lines, photo captions, chart titles, repeated boxes) and
PDF-extracted text (hard-wrapped lines, unmarked headings, page numbers, running page headers, indents).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from indexer.ingest.layout_rules import (
    CLOSERS,
    CN_DATE,
    ENDED,
    FULL_STOPS,
    PAGE_NUMBER,
    SENTENCE_END,
    bare,
    char_class,
    ends,
    has_sentence_end,
    join_wrapped,
)
from indexer.ingest.names import is_institution_line
from indexer.limits import MAX_HEADING_CHARS

# ---------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Block:
    """One unit of a report's layout."""

    kind: str  # "heading" | "body" | "caption"
    text: str  # clean text (for body: as the report said it; markup removed)
    lead: str = ""  # body only: bold/numbered lead that opens the paragraph (prefix of text)
    level: int = 0  # heading depth, if known (markdown #=1…6, 第X部分=1, 一、=2, （一）=3, 1.=4, bold line=7)


SUB_LEVEL = 7  # a bold-only line (or an unmarked heading under marked ones) is a sub-heading of anything
# A line that ends with one of these is a sentence cut in the middle, never a heading.
CONNECTIVES = "的了和与及或至在对向为从把被将让给以于其之及并而且、，,"
GENERIC_BOXES = frozenset(
    "亮点 链接 相关链接 延伸阅读 案例 典型案例 案例链接 小贴士 背景 背景链接 特写 点评 专家点评 代表点评 "
    "声音 代表声音 代表委员声音 相关新闻 新闻链接 名词解释 知识链接".split()
)
INFOGRAPHIC = re.compile(r"(大数据|数说|数读|图说|图解|一图读懂|数据看板|数字看点|数据一览)$")
_BYLINE = re.compile(
    r"^(?:本报)?(?:特约|见习)?(?:记者|通讯员|实习生|撰稿|摄影|责任编辑|责编)\s*(?:[:：/｜|]\s*)?\S"
    r"|^(?:作者|来源|编辑|校对|审核|文|图)\s*[:：/｜|]\s*\S"
    r"|^\S{0,20}(?:院长|检察长|庭长)[\s\u3000]*[\u4e00-\u9fff]{2,4}$"  # the speaker under a report's title
)
_SALUTATION = re.compile(r"^各位(?:代表|委员)[，,、\u4e00-\u9fff]{0,12}[：:]$")
_DATE = re.compile(rf"(?:{CN_DATE}|星期[一二三四五六日天]|\d{4}-\d{1,2}-\d{1,2})")
_CONTACT = re.compile(r"(?:电话|传真|编辑|版式|美编|责编|校对|E-?mail|邮箱|第\s*\d+\s*版|[A-Z]\d{1,2}\s*版)", re.I)
_BULLET = re.compile(r"^(?:[■□●○◆◇▶►▪•※★☆√]+|[-*+](?=\s))\s*")
_LAYOUT_NUMBER = re.compile(r"^\d{1,2}\s+(?=\*\*|[■□●◆])")
_BOLD_ONLY = re.compile(r"^\*\*([^*]+)\*\*$")
_BOLD_LEAD = re.compile(r"^\*\*([^*]{1,60}?)\*\*")
_STOP = char_class(FULL_STOPS)
_MID_BOLD_LEAD = re.compile(rf"(?<=[{_STOP}])\s*(?=\*\*[^*]{{2,40}}?[{_STOP}：:]\*\*)")
_CAPTION = re.compile(rf"^(?:——(?!.*[{char_class(SENTENCE_END)}][{char_class(CLOSERS)}]*$)|[▼▲△▽]|图为|图\s*[:：]|图片[:：]|[（(]图)"
                      r"|[（(]单位\s*[:：][^)）]*[)）]$|[（(][^（）()]{0,20}摄[)）]$")
_NUMBERED = re.compile(
    r"^(?:(?P<l1>第[一二三四五六七八九十百]+(?:部分|章|篇|节))|(?P<l2>[一二三四五六七八九十]+[、.．])"
    r"|(?P<l3>[（(][一二三四五六七八九十]+[)）])|(?P<l4>\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）])|(?P<l5>[一二三四五六七八九十]是))\s*"
)
_INLINE_BYLINE = re.compile(r"^(?:本报讯\s*)?[（(](?:本报)?(?:记者|通讯员)[^（）()]{0,40}[)）]\s*|^本报讯\s*")
# Markdown images and links; no brackets or parentheses inside them, so no scan passes the next one (was quadratic).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()\s]*\)")
_FIRST_STOP = re.compile(f"[{_STOP}：:]")
_IMPLICIT_LEAD = re.compile(rf"^[^，,、：:{char_class(SENTENCE_END)}\d]{{4,24}}[{_STOP}]")


def display_width(s: str) -> int:
    """Width in columns: CJK and full-width characters count 2 (how PDF lines are laid out)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in s)


def _md_heading(s: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown heading line ("## 标题 ##"), else None: the title without the closing #s."""
    if not s.startswith("#"):
        return None
    level = min(6, len(s) - len(s.lstrip("#")))
    return level, s[level:].lstrip().rstrip("#").rstrip()


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", _IMAGE.sub("", text)).replace("**", "").replace("__", "")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


@dataclass
class _Line:
    text: str  # stripped, markup still in place
    indent: bool = False
    forced: str = ""  # "" | "heading" | "bold" | "caption" | "new" (starts a new block)
    level: int = 0


def _drop_line(s: str) -> bool:
    if PAGE_NUMBER.match(s):
        return True  # page numbers and stray layout numbers (01, — 3 —, 第3页)
    short = display_width(s) <= 80 and not ends(s, SENTENCE_END)
    if short and (_BYLINE.match(s) or _SALUTATION.match(s)):
        return True
    if ends(s, SENTENCE_END) or display_width(s) > 200:
        return False
    if _DATE.search(s) and (_CONTACT.search(s) or re.fullmatch(r"[\d年月日\s星期一二三四五六日天农历-]+", s)):
        return True  # dateline / masthead with phone, editors, e-mail
    return len(_CONTACT.findall(s)) >= 2


def _lines(text: str) -> list[_Line | None]:
    """Text → cleaned lines (None = blank), dropping page furniture and repeated running headers."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [r.strip() for r in raw]
    counts = Counter(
        s for s in stripped if s and not s.startswith("#") and display_width(s) <= 60 and not ends(s, ENDED)
    )
    running = {s for s, n in counts.items() if n >= 3}
    out: list[_Line | None] = []
    for r, s in zip(raw, stripped):
        if not s:
            out.append(None)
            continue
        if s in running or _drop_line(s) or _IMAGE.fullmatch(s):
            continue  # dropped entirely so the lines around it can still join
        indent = bool(re.match(r"^(?:\u3000|[ \t\u00a0]{2,})", r))
        heading = _md_heading(s)
        if heading:
            body = _inline(heading[1])
            if body:
                out.append(_Line(body, indent, "heading", heading[0]))
            continue
        s = _LAYOUT_NUMBER.sub("", s)
        s = _BULLET.sub("", s)
        if not s:
            continue
        if _CAPTION.search(s) and (not ends(s, SENTENCE_END) or display_width(s) <= 120):
            out.append(_Line(s, indent, "caption"))
            continue
        b = _BOLD_ONLY.match(s)
        if b:
            out.append(_Line(s, indent, "bold"))
            continue
        pieces = _MID_BOLD_LEAD.split(s)  # "…天。**全力兑现胜诉权益。**…" is two paragraphs glued by the layout
        out.append(_Line(pieces[0], indent))
        out.extend(_Line(p, False, "new") for p in pieces[1:] if p)
    return out


def _wrap_width(lines: list[_Line | None]) -> float | None:
    """The hard-wrap width of PDF-like text, or None when lines are not wrapped at a fixed width."""
    widths = [
        display_width(a.text)
        for a, b in zip(lines, lines[1:])
        if a is not None and b is not None and not a.forced and not b.forced
    ]
    if len(widths) < 4:
        return None
    w = statistics.median(widths)
    near = sum(1 for x in widths if abs(x - w) <= 0.15 * w)
    return w if near >= 0.6 * len(widths) and w >= 30 else None


@dataclass
class _Raw:
    kind: str  # heading | bold | caption | body | cand (unmarked heading candidate)
    text: str
    lead: str = ""
    level: int = 0
    marked_lead: bool = False


def _numbered_level(m: re.Match) -> int:
    return next(i for i, g in enumerate(("l1", "l2", "l3", "l4", "l5"), 1) if m.group(g))


def _numbered_rank(text: str) -> int:
    """1 for 第X部分, 2 for 一、, 3 for （一）, 4 for 1., 5 for 一是; 0 when not numbered."""
    m = _NUMBERED.match(text)
    return _numbered_level(m) if m else 0


def _classify(lines: list[str], first: _Line, wrap: float | None) -> _Raw:
    text = join_wrapped(lines)
    if first.forced == "heading":
        return _Raw("heading", text, level=first.level)
    if first.forced == "caption":
        return _Raw("caption", _inline(text).lstrip("▼▲△▽ "))  # the arrow is chart decoration
    if first.forced == "bold":
        inner = _inline(text)
        return _Raw("bold", inner) if ends(inner, ENDED) else _Raw("heading", inner, level=SUB_LEVEL)
    lead = ""
    b = _BOLD_LEAD.match(text)
    if b:
        lead = _inline(b.group(1))
    text = _inline(_INLINE_BYLINE.sub("", text))
    if not text:
        return _Raw("body", "")  # only a byline or markup ("本报讯", "****"): dropped (it raised IndexError)
    if lead:
        return _Raw("body", text, lead, marked_lead=True)
    single = len(lines) == 1
    short = display_width(text) <= (min(64, 0.8 * wrap) if wrap else 64)
    inner_end = has_sentence_end(bare(text)[:-1])
    n = _NUMBERED.match(text)
    if n:
        if single and not inner_end and display_width(text) <= 100:
            return _Raw("heading", text, level=_numbered_level(n))
        stop = _FIRST_STOP.search(text[n.end():])
        if stop and stop.end() <= 40:
            return _Raw("body", text, text[: n.end() + stop.end()], marked_lead=True)
    if single and short and not inner_end and not ends(text, ENDED) and text[-1] not in CONNECTIVES:
        return _Raw("cand", text)
    return _Raw("body", text)


def _blocks_of(lines: list[_Line | None]) -> list[_Raw]:
    wrap = _wrap_width(lines)
    raws: list[_Raw] = []
    group: list[_Line] = []

    def flush() -> None:
        if group:
            raws.append(_classify([g.text for g in group], group[0], wrap))
            group.clear()

    for line in lines:
        if line is None:
            flush()
            continue
        if group:
            prev = group[-1]
            if wrap is not None:
                wrapped = display_width(prev.text) >= 0.75 * wrap
            else:
                # No fixed wrap width: a line cut mid-sentence is at least as long as the line that ends
                # the sentence, while a heading is usually shorter than the body line under it.
                wrapped = not ends(prev.text, ENDED) and display_width(prev.text) >= display_width(line.text)
            if line.forced or prev.forced or line.indent or not wrapped:
                flush()
        group.append(line)
    flush()
    return raws


class _End:
    """ends(text, ENDED) of a text growing by pieces, in O(piece) per piece: ends strips spaces, then closers, so a
    piece of only spaces or only closers leaves the answer to the pieces before it (both steps are tracked)."""

    def __init__(self) -> None:
        self.ended = False  # ends(text, ENDED)
        self.closed = False  # the same without stripping trailing spaces first

    def add(self, piece: str) -> bool:
        """Append a piece (joined as join_wrapped joins; a space between Latin letters changes neither answer)."""
        stripped = piece.rstrip()
        if stripped:
            core = stripped.rstrip(CLOSERS)
            self.ended = core[-1] in ENDED if core else self.closed
        core = piece.rstrip(CLOSERS)
        if core:
            self.closed = core[-1] in ENDED
        return self.ended


def _is_label(text: str) -> bool:
    """Institution-only title lines and infographic labels are captions, not section headings."""
    return is_institution_line(text) or bool(INFOGRAPHIC.search(re.sub(r"\s+", "", text)))


def parse_blocks(text: str) -> list[Block]:
    """Report text → headings, whole clean body paragraphs and captions, in order."""
    raws = [r for r in _blocks_of(_lines(text)) if r.text]
    for r in raws:
        if r.kind in ("heading", "cand") and _is_label(r.text):
            r.kind = "caption"
    # A bold line that ends like a sentence ("**依法接受监督。**" alone) is the lead of the next paragraph.
    merged: list[_Raw] = []
    for r in raws:
        if merged and merged[-1].kind == "bold" and r.kind == "body" and not r.marked_lead:
            lead = merged.pop().text
            r = _Raw("body", lead + r.text, lead, marked_lead=True)
        merged.append(r)
    raws = [_Raw("body", r.text, r.text, marked_lead=True) if r.kind == "bold" else r for r in merged]
    # Newspaper columns and PDF pages break sentences across blank lines ("全" / "力开展"): a body block that
    # does not end like a sentence continues in the next body block (captions in between stay captions).
    joined: list[_Raw] = []
    pieces: dict[int, list[str]] = {}  # id of a joined body block → its pieces (joined once, at the end)
    waiting = False  # the last joined block is body that does not end like a sentence
    pending: list[_Raw] = []  # captions seen while a fragment waits for its continuation
    end = _End()
    for r in raws:
        if waiting and r.kind == "caption":
            pending.append(r)
            continue
        if waiting and r.kind == "body" and not r.marked_lead:
            pieces.setdefault(id(joined[-1]), [joined[-1].text]).append(r.text)
            waiting = not end.add(r.text)
            continue
        joined.extend(pending)
        pending.clear()
        joined.append(r)
        end = _End()
        waiting = r.kind == "body" and not end.add(r.text)
    joined.extend(pending)
    for r in joined:
        if id(r) in pieces:
            r.text = join_wrapped(pieces[id(r)])
    # Runs of unmarked short lines: the one right before body text is its heading; the others are photo
    # captions, chart labels or headings orphaned by the layout (e.g. at the end of a PDF).
    out: list[Block] = []
    for i, r in enumerate(joined):
        if r.kind == "cand":
            nxt = joined[i + 1] if i + 1 < len(joined) else None
            if nxt is not None and nxt.kind == "body":
                out.append(Block("heading", r.text, level=0))
            else:
                out.append(Block("caption", r.text))
        elif r.kind == "body":
            lead = r.lead
            if not lead:
                m = _IMPLICIT_LEAD.match(r.text)
                if m and len(m.group(0)) < len(r.text):
                    lead = m.group(0)  # PDF text loses bold: a short topic sentence opening the paragraph
            out.append(Block("body", r.text, lead))
        else:
            out.append(Block(r.kind, r.text, level=r.level))
    return out


# ---------------------------------------------------------------------------------------------- sections


def is_box_heading(text: str, occurrences: int = 1) -> bool:
    """A generic box heading ("亮点", "链接") names a box inside the enclosing section, not a section."""
    compact = re.sub(r"\s+", "", text)
    return compact in GENERIC_BOXES or (occurrences >= 2 and len(compact) <= 6)


def document_title(blocks: list[Block]) -> str:
    """The report's own title: a lone level-1 heading before any body text ("" if none)."""
    level1 = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if len(level1) != 1:
        return ""
    for b in blocks:
        if b.kind == "body":
            return ""
        if b is level1[0]:
            return b.text
    return ""


def sections(blocks: list[Block]) -> list[str]:
    """The section text for every block: its enclosing heading; sub-headings and boxes as "main · sub"."""
    title = document_title(blocks)
    counts = Counter(b.text for b in blocks if b.kind == "heading")
    stack: list[tuple[int, str, bool, bool]] = []  # (level, text, is_sub, is_box)
    result: list[str] = []
    for b in blocks:
        if b.kind == "heading" and not (title and b.level == 1 and b.text == title):
            heading = b.text[:MAX_HEADING_CHARS]
            box = is_box_heading(b.text, counts[b.text])
            marked_above = any(0 < e[0] < SUB_LEVEL for e in stack)
            if box:
                while stack and (stack[-1][0] > b.level or stack[-1][3]):
                    stack.pop()
                stack.append((b.level, heading, True, True))
            elif b.level == 0 and not marked_above:
                stack = [(0, heading, False, False)]  # unmarked headings are the sections of an unmarked layout
            else:
                level = SUB_LEVEL if b.level == 0 else b.level
                while stack and stack[-1][0] >= level:
                    stack.pop()
                # "（一）…" under "一、…" is a sub-section: keep the parent in the section text.
                sub = level >= SUB_LEVEL or (_numbered_rank(b.text) >= 3 and any(0 < _numbered_rank(e[1]) < 3 for e in stack))
                stack.append((level, heading, sub, False))
        main = max((i for i, e in enumerate(stack) if not e[2]), default=0)
        result.append(" · ".join(e[1] for e in stack[main:]))
    return result
