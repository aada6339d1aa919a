"""The query language: a user's string → a small syntax tree, plus a notice saying how it was understood.

Syntax (what docs/query-syntax.md documents):
- words are ANDed: `诉源治理 枫桥经验`; an unquoted chunk of Chinese is segmented later by the word analyzer;
- `OR` (upper case) between terms; `NOT word` or `-word` excludes; `AND` is allowed and redundant;
- `A NEAR/n B` (upper case, spaces around it): A and B within n characters, either order (syntax.Near);
  binds tighter than AND, so `x A NEAR/5 B` is x AND (A NEAR/5 B); `A NEAR/5 B NEAR/3 C` is both pairs;
  a bare `NEAR` is NEAR/DEFAULT_NEAR_DISTANCE; each side must be a word or a quoted phrase;
- parentheses `( )` or `（ ）` group;
- `"exact phrase"`, `“exact phrase”`, `「exact phrase」`, `『exact phrase』`: Ctrl-F over paragraphs;
- field filters: `institution:平湖市人民法院`, `year:2019`, `year:2017-2021`, `theme:司法为民`
  (also `机构:` `年份:` `主题:`, and a full-width colon); a value may be quoted.

Malformed input never raises. It is searched as plain text (or trimmed) and `ParsedQuery.notices` says,
in Chinese, what was changed: unbalanced quotes or parentheses, lone operators, unknown fields, bad year
values, wildcards (`*`, `?` — not supported, ignored), control characters, and the limits below.

Limits that bound the cost of one query (values in indexer/limits.py, documented in docs/reliability.md):
- MAX_QUERY_CHARS: longer input is cut to its first MAX_QUERY_CHARS characters;
- MAX_TERMS: at most this many terms (words, phrases, filters) are used; the rest are dropped;
- MAX_DEPTH: parentheses nested deeper are ignored (their content is kept as plain terms);
- MAX_NEAR_DISTANCE: a larger NEAR/n is cut to it;
- MAX_YEAR_SPAN: a wider year range is refused as a filter and searched as text. A `year:` value has the
  one year syntax of indexer.limits.parse_year_span; a reversed range (`year:2021-2017`) is forgiven.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.limits import (
    DEFAULT_NEAR_DISTANCE,
    MAX_DEPTH,
    MAX_NEAR_DISTANCE,
    MAX_TERMS,
    YearError,
    parse_year_span,
    year_label,
)
from indexer.search.language.cleaning import clean
from indexer.search.language.syntax import (
    And,
    Concept,
    Filter,
    Near,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Widened,
    Words,
    positives,
    render,
    units,
)

__all__ = ["And", "Concept", "Filter", "Near", "Node", "Not", "Or", "ParsedQuery", "Phrase", "Widened", "Words", "parse",
           "positives", "render", "units", "OPERATORS"]

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}  # a stray ” often opens a phrase typed by IMEs
CLOSERS = set("”」』")
LPARENS = set("(（")
RPARENS = set(")）")
FIELD_ALIASES = {
    "institution": "institution",
    "机构": "institution",
    "year": "year",
    "years": "year",
    "年份": "year",
    "年度": "year",
    "theme": "theme",
    "主题": "theme",
}
OPERATORS = {"OR", "AND", "NOT"}
_FIELD = re.compile(r"^([A-Za-z\u4e00-\u9fff]{1,12})[:：](.*)$", re.S)
_SPACE = re.compile(r"\s+")
_WILDCARD = re.compile(r"[*?]")
_NEAR = re.compile(r"^NEAR(?:[/／]([0-9０-９]{1,6}))?$")
_STOPS = ("or", "rparen", "and", "near")  # tokens that end an operand


# ---------------------------------------------------------------- lexer


@dataclass(frozen=True)
class _Tok:
    kind: str  # "word" | "phrase" | "lparen" | "rparen" | "or" | "and" | "not" | "near" | "field"
    text: str = ""
    name: str = ""  # field name for "field"


def lex(text: str, notices: list[str]) -> list[_Tok]:
    """Cut the cleaned query into tokens; unclosed quotes become plain text."""
    toks: list[_Tok] = []
    i, n = 0, len(text)
    buf: list[str] = []

    def flush() -> None:
        if buf:
            toks.extend(_word_tokens("".join(buf), notices))
            buf.clear()

    while i < n:
        ch = text[i]
        if ch == " ":
            flush()
            i += 1
        elif ch in QUOTES:
            close = QUOTES[ch]
            j = text.find(close, i + 1)
            if j < 0:
                notices.append("引号未闭合，已按普通文本检索")
                i += 1  # drop the quote; the rest is plain text
                continue
            inner = text[i + 1 : j]
            joined = "".join(buf)
            core = joined.lstrip("-")
            if core and _is_field_prefix(core):
                # institution:"平湖市人民法院": the quoted text is the field value
                buf.clear()
                toks.extend(_Tok("not") for _ in range(len(joined) - len(core)))
                toks.append(_Tok("field", inner.strip(), core[:-1]))
            else:
                flush()
                toks.append(_Tok("phrase", inner))
            i = j + 1
        elif ch in CLOSERS:
            notices.append("多余的右引号已忽略")
            flush()
            i += 1
        elif ch in LPARENS:
            flush()
            toks.append(_Tok("lparen"))
            i += 1
        elif ch in RPARENS:
            flush()
            toks.append(_Tok("rparen"))
            i += 1
        else:
            buf.append(ch)
            i += 1
    flush()
    return toks


def _is_field_prefix(text: str) -> bool:
    m = _FIELD.match(text)
    return m is not None and m.group(2) == "" and (m.group(1).isascii() or m.group(1) in FIELD_ALIASES)


def _limit_depth(toks: list[_Tok], notices: list[str]) -> list[_Tok]:
    """Drop parentheses nested deeper than MAX_DEPTH (keeps recursion bounded)."""
    out: list[_Tok] = []
    depth = 0
    for t in toks:
        if t.kind == "lparen":
            depth += 1
            if depth > MAX_DEPTH:
                notices.append(f"括号嵌套超过 {MAX_DEPTH} 层，内层括号已忽略")
                continue
        elif t.kind == "rparen" and depth > 0:
            depth -= 1
            if depth >= MAX_DEPTH:
                continue
        out.append(t)
    return out


def _word_tokens(chunk: str, notices: list[str]) -> list[_Tok]:
    if _WILDCARD.search(chunk):
        notices.append("不支持通配符，已忽略 * 和 ?")
        chunk = _WILDCARD.sub("", chunk)
        if not chunk:
            return []
    if chunk in OPERATORS:
        return [_Tok(chunk.lower())]
    if (near := _NEAR.match(chunk)) is not None:
        return [_Tok("near", near.group(1) or "")]
    if chunk.startswith("-") and len(chunk) > 1:
        return [_Tok("not"), *_word_tokens(chunk[1:], notices)]
    if chunk == "-":
        return [_Tok("not")]
    m = _FIELD.match(chunk)
    if m and (m.group(1).isascii() or m.group(1) in FIELD_ALIASES):
        return [_Tok("field", m.group(2), m.group(1))]
    return [_Tok("word", chunk)]


# ---------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the tokens; never raises on user input."""

    def __init__(self, toks: list[_Tok], notices: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.notices = notices
        self.terms = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        node = self.or_expr()
        while (t := self.peek()) is not None:  # a stray ")" at top level: skip it and go on
            if t.kind == "rparen":
                self.notices.append("括号不匹配，已忽略多余的括号")
                self.i += 1
            more = self.or_expr()
            node = _and([node, more])
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (t := self.peek()) is not None and t.kind == "or":
            self.i += 1
            right = self.and_expr()
            if (right is None or parts[-1] is None) and self.terms <= MAX_TERMS:
                self.notices.append("OR 两侧缺少检索词，已忽略")
            parts.append(right)
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("or", "rparen"):
            if t.kind == "and":
                self.i += 1
                if not parts or (after := self.peek()) is None or after.kind in ("or", "rparen", "and"):
                    self.notices.append("AND 两侧缺少检索词，已忽略")
                continue
            parts += self.near_expr()
        return _and(parts)

    def near_expr(self) -> list[Node]:
        """An operand, or a chain `A NEAR/n B NEAR/m C` as its pairs (A NEAR/n B, B NEAR/m C)."""
        while (t := self.peek()) is not None and t.kind == "near":  # nothing on its left
            self.i += 1
            self.notices.append("NEAR 两侧缺少检索词，已忽略")
        if (t := self.peek()) is None or t.kind in ("or", "rparen", "and"):
            return []
        left = self.unary()
        out: list[Node] = [left] if left is not None else []
        while (t := self.peek()) is not None and t.kind == "near":
            self.i += 1
            after = self.peek()
            if left is None or after is None or after.kind in _STOPS:
                self.notices.append("NEAR 两侧缺少检索词，已忽略")
                continue
            right = self.unary()
            if right is None:
                continue
            out = [n for n in out if n is not left] + [self.near(left, right, t.text)]
            left = right
        return out

    def near(self, left: Node, right: Node, digits: str) -> Node:
        """Near(left, right) when both are words or phrases; else both required (AND), with a notice."""
        if not isinstance(left, (Words, Phrase)) or not isinstance(right, (Words, Phrase)):
            self.notices.append("NEAR 只能连接两个检索词或短语，已按同时包含检索")
            return _and([left, right]) or left
        distance = int(unicodedata.normalize("NFKC", digits)) if digits else DEFAULT_NEAR_DISTANCE
        if distance > MAX_NEAR_DISTANCE:
            self.notices.append(f"NEAR 的距离最多 {MAX_NEAR_DISTANCE} 个字，已按 {MAX_NEAR_DISTANCE} 检索")
            distance = MAX_NEAR_DISTANCE
        return Near(left, right, distance)

    def unary(self) -> Node | None:
        t = self.peek()
        if t is not None and t.kind == "not":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in _STOPS:
                self.notices.append("NOT（-）后缺少检索词，已忽略")
                return None
            child = self.unary()
            if child is None:
                return None
            if isinstance(child, Not):  # NOT NOT x = x
                return child.child
            return Not(child)
        return self.primary()

    def primary(self) -> Node | None:
        t = self.peek()
        assert t is not None
        self.i += 1
        if t.kind == "lparen":
            inner = self.or_expr()
            if (close := self.peek()) is not None and close.kind == "rparen":
                self.i += 1
            else:
                self.notices.append("括号不匹配，已忽略括号")
            return inner
        if t.kind == "phrase":
            return self.leaf(self.phrase(t.text))
        if t.kind == "field":
            return self.leaf(self.field(t))
        if t.kind == "word":
            return self.leaf(self.words(t.text))
        # "rparen"/"or"/"and"/"near" cannot reach here (callers stop at them); be safe anyway
        return None

    def leaf(self, node: Node | None) -> Node | None:
        if node is None:
            return None
        if self.terms >= MAX_TERMS:
            if self.terms == MAX_TERMS:
                self.notices.append(f"检索词超过 {MAX_TERMS} 个，其余已忽略")
            self.terms += 1
            return None
        self.terms += 1
        return node

    def words(self, text: str) -> Node | None:
        if _WILDCARD.search(text):
            self.notices.append("不支持通配符，已忽略 * 和 ?")
            text = _WILDCARD.sub("", text)
        text = text.strip()
        return Words(text) if text else None

    def phrase(self, text: str) -> Node | None:
        text = _SPACE.sub(" ", text).strip()
        if not text:
            self.notices.append("空引号已忽略")
            return None
        return Phrase(text)

    def field(self, t: _Tok) -> Node | None:
        name = FIELD_ALIASES.get(t.name.lower() if t.name.isascii() else t.name)
        value = t.text.strip()
        raw = _safe(f"{t.name}:{t.text}")
        if name is None:
            self.notices.append(f"未知字段“{t.name}”，已按普通文本检索")
            return self.words(raw)
        if not value:
            self.notices.append(f"字段“{t.name}”缺少取值，已忽略")
            return None
        if name == "year":
            try:
                return Filter("year", year_label(*parse_year_span(value, ordered=False)))
            except YearError as exc:
                self.notices.append(f"{exc}已按普通文本检索")
                return self.words(_safe(value.replace(":", "").replace("：", "")))
        return Filter(name, value)


def _safe(text: str) -> str:
    """Fallback plain text that reads back as the same plain text (no quotes, parens, operators)."""
    for ch in '"“”「」『』()（）*?':
        text = text.replace(ch, "")
    text = "".join(text.split()).lstrip("-")
    return text.lower() if text in OPERATORS else text


def _and(parts: Sequence[Node | None]) -> Node | None:
    kept = [p for p in parts if p is not None]
    if not kept:
        return None
    flat: list[Node] = []
    for p in kept:
        flat.extend(p.children if isinstance(p, And) else (p,))
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def parse(q: str) -> ParsedQuery:
    """Parse a user query; never raises. Adjustments are listed in `notices` (Chinese)."""
    notices: list[str] = []
    text = clean(q, notices)
    toks = _limit_depth(lex(text, notices), notices)
    parser = _Parser(toks, notices)
    tree = parser.parse()
    return ParsedQuery(tree, notices)
