"""The query language's syntax tree: what parse() (indexer/search/language/query.py) produces and every stage
reads — Words, Phrase, Filter, Not, And, Or, Near (two terms within n characters), Concept (a word with its
synonyms) and Widened (a keyed chunk OR its words expanded) — with render() (the tree as query text again),
positives() and units() (the leaves highlighting and scoring use).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Words:
    """An unquoted chunk of text: segmented into words by the analyzer, matched as words or as a substring."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase: exactly the paragraphs whose text contains it (spaces ignored)."""

    text: str


@dataclass(frozen=True)
class Filter:
    """A field filter: institution / theme (exact value) or year (a range of years, inclusive)."""

    field: str  # "institution" | "year" | "theme"
    value: str  # institution or theme name; for year "2019" or "2017-2021"

    def year_range(self) -> tuple[int, int]:
        """(first, last) year of a year filter."""
        a, _, b = self.value.partition("-")
        return int(a), int(b or a)


@dataclass(frozen=True)
class Not:
    """Paragraphs not matching the child."""

    child: "Node"


@dataclass(frozen=True)
class And:
    """Paragraphs matching every child."""

    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    """Paragraphs matching any child."""

    children: tuple["Node", ...]


@dataclass(frozen=True)
class Widened(Or):
    """Matches any child, named by the first (render): a chunk a synonyms line keys whole (its Concept) OR the
    chunk's words each expanded (an And), so a line keyed by the whole chunk only ever adds to what its words
    find (synonyms.expand); for partial matches, each word OR the whole chunk (features/partial.py). Never
    produced by parse()."""


@dataclass(frozen=True)
class Concept:
    """A query word and the synonyms it was expanded to (indexer/search/language/synonyms.py): matches any of
    them; scored as the best one, the synonyms at a lower weight. Never produced by parse()."""

    word: Words
    synonyms: tuple[Phrase, ...]  # matched exactly, like a quoted phrase: the file names precise terms

    @property
    def children(self) -> tuple[Words | Phrase, ...]:
        """The word first, then its synonyms."""
        return (self.word, *self.synonyms)


@dataclass(frozen=True)
class Near:
    """`A NEAR/n B`: an occurrence of left and one of right at most `distance` characters apart, either order.

    The distance is counted in the folded text without whitespace: the characters between the end of one
    occurrence and the start of the other (0 when they touch or overlap). Each side matches as its exact
    text, like a quoted phrase; a Concept side (after synonym expansion) as any of its forms.
    """

    left: Words | Phrase | Concept
    right: Words | Phrase | Concept
    distance: int

    @property
    def children(self) -> tuple[Words | Phrase | Concept, Words | Phrase | Concept]:
        """The two sides, left first."""
        return (self.left, self.right)


Node = Words | Phrase | Filter | Not | And | Or | Concept | Near


@dataclass
class ParsedQuery:
    """The result of parsing: the tree (None for an empty query), what was adjusted, and a canonical form."""

    tree: Node | None
    notices: list[str] = field(default_factory=list)

    @property
    def canonical(self) -> str:
        """The query as it was understood, in the query language."""
        return render(self.tree) if self.tree is not None else ""

    def notice(self) -> str | None:
        """One user-facing sentence (Chinese) when anything was adjusted, else None."""
        if not self.notices:
            return None
        seen: list[str] = []
        for n in self.notices:
            if n not in seen:
                seen.append(n)
        understood = self.canonical or "（空查询）"
        return "；".join(seen) + "。实际检索：" + understood


def render(node: Node) -> str:
    """Canonical text of a tree (parseable again to the same tree)."""
    if isinstance(node, Words):
        return node.text
    if isinstance(node, Concept):
        return node.word.text  # the user's word: the synonyms are an expansion, not the query
    if isinstance(node, Widened):
        return render(node.children[0])  # what the user typed; the rest is expansion
    if isinstance(node, Phrase):
        return _quote(node.text)
    if isinstance(node, Filter):
        plain = node.value and not any(ch in node.value for ch in ' ()（）"“”「」『』') and ":" not in node.value
        return f"{node.field}:{node.value if plain else _quote(node.value)}"
    if isinstance(node, Near):
        return f"{render(node.left)} NEAR/{node.distance} {render(node.right)}"
    if isinstance(node, Not):
        return "-" + _wrap(node.child)
    if isinstance(node, And):
        return " ".join(_wrap(c) for c in node.children)
    return " OR ".join(render(c) if isinstance(c, And) else _wrap(c) for c in node.children)


def _quote(text: str) -> str:
    for open_, close in (("“", "”"), ("「", "」"), ("『", "』"), ('"', '"')):
        if close not in text:
            return open_ + text + close
    return "“" + text.replace("”", " ") + "”"


def _wrap(node: Node) -> str:
    return "(" + render(node) + ")" if isinstance(node, (And, Or, Near)) and not isinstance(node, Widened) else render(node)


def positives(node: Node | None) -> list[Words | Phrase]:
    """The Words and Phrase leaves not under a NOT (what highlighting marks)."""
    out: list[Words | Phrase] = []

    def walk(n: Node) -> None:
        if isinstance(n, (Words, Phrase)):
            out.append(n)
        elif isinstance(n, (And, Or, Concept, Near)):
            for c in n.children:
                walk(c)

    if node is not None:
        walk(node)
    return out


def units(node: Node | None) -> list[Words | Phrase | Concept]:
    """The positive leaves with each Concept kept whole: what is scored as one (the query's concepts)."""
    out: list[Words | Phrase | Concept] = []

    def walk(n: Node) -> None:
        if isinstance(n, (Words, Phrase, Concept)):
            out.append(n)
        elif isinstance(n, (And, Or, Near)):
            for c in n.children:
                walk(c)

    if node is not None:
        walk(node)
    return out
