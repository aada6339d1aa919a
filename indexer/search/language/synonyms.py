"""Query-time synonyms: the Solr synonyms file format, and expanding a query tree's words into concepts.

File format (Solr's SynonymFilter "solr" format, what indexer/synonyms.txt uses):
- `a, b, c`: equivalent terms: a query for any of them also finds the others;
- `a, b => c, d`: one way: a query for a or b also finds c and d (not the other way round);
- `#` starts a comment; blank lines are ignored; terms are folded like the index (normalize), so a
  traditional or full-width spelling in the file is the same term as the simplified one.
A line that is not well-formed (an empty term, `=>` twice, one lonely term, a term mapped to itself,
quotes or brackets inside a term) raises SynonymsError naming the file and line.

Expansion: every query word becomes a Concept — the word (full weight) OR its synonyms (lower weight,
scored as the best one, see compile.py) — and concepts stay ANDed. A synonym matches exactly, like a
quoted phrase (the file names precise terms: 在线诉讼 should not match 在线 … 诉讼 far apart). A whole chunk the user typed is
looked up first (智慧法院); when it has no entry, each of its jieba words is (扫黑 虚假诉讼 → 扫黑 is one); when it
has one and its words have some too, the chunk's concept OR its words' concepts ANDed (Widened: a line keyed by
the whole chunk only ever adds to what its words find).
A quoted phrase is exact and never expanded; nor is anything under NOT. A side of `A NEAR/n B` is
expanded only as a whole (never cut into words): its occurrences are where any of its forms stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from indexer.analysis import normalize
from indexer.errors import BadRequest
from indexer.search.language.query import And, Concept, Near, Node, Or, Phrase, Widened, Words

MAX_SYNONYMS = 12  # synonyms used per word (a keyed chunk: per chunk and per word of it): bounds an expanded query's cost
_BAD_TERM = re.compile(r"[\"“”「」『』()（）]|=>")


class SynonymsError(BadRequest):
    """The synonyms file is not well-formed: the message names the file and the line."""


@dataclass(frozen=True)
class Synonyms:
    """Parsed synonyms: folded term → the terms it also finds, in file order."""

    mapping: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entries: int = 0  # lines with a rule
    terms: frozenset[str] = frozenset()  # an official vocabulary (word lists, indexer/vocab/): related terms come from it

    def vocabulary(self) -> frozenset[str] | None:
        """The terms related paragraphs may be found by: the word lists and every synonym term (None: no word list)."""
        if not self.terms:
            return None
        return self.terms | frozenset(self.mapping) | frozenset(t for ts in self.mapping.values() for t in ts)

    def of(self, term: str) -> tuple[str, ...]:
        """The synonyms of term (folded), at most MAX_SYNONYMS."""
        return self.mapping.get(_fold(term), ())[:MAX_SYNONYMS]


def _fold(term: str) -> str:
    return " ".join(normalize(term).split())


def _terms(part: str, where: str) -> list[str]:
    terms = [_fold(t) for t in part.split(",")]
    for t in terms:
        if not t:
            raise SynonymsError(f"{where}: empty term (two commas in a row, or a comma at an end)")
        if _BAD_TERM.search(t):
            raise SynonymsError(f"{where}: term “{t}” contains quotes, brackets or '=>'")
    return terms


def parse_synonyms(text: str, source: str = "synonyms") -> Synonyms:
    """Parse the Solr synonyms format; raises SynonymsError (with the line number) on a bad line."""
    found: dict[str, dict[str, None]] = {}
    entries = 0

    def add(term: str, others: list[str]) -> None:
        bucket = found.setdefault(term, {})
        for o in others:
            if o != term:
                bucket[o] = None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        if line.count("=>") > 1:
            raise SynonymsError(f"{where}: '=>' appears more than once")
        if "=>" in line:
            left, right = line.split("=>")
            sources, targets = _terms(left, where), _terms(right, where)
            if set(sources) & set(targets):
                raise SynonymsError(f"{where}: a term is mapped to itself")
            for s in sources:
                add(s, targets)
        else:
            terms = _terms(line, where)
            if len(set(terms)) < 2:
                raise SynonymsError(f"{where}: one term alone says nothing (write 'a, b' or 'a => b')")
            for t in terms:
                add(t, terms)
        entries += 1
    return Synonyms({k: tuple(v) for k, v in found.items() if v}, entries)


def parse_words(text: str) -> frozenset[str]:
    """A word list (`*.words`: one term a line, `#` comments), folded; a crime name (…罪) also stands for its conduct."""
    out: set[str] = set()
    for raw in text.splitlines():
        term = _fold(raw.split("#", 1)[0])
        if term:
            out.add(term)
            if term.endswith("罪") and len(term) > 2:
                out.add(term[:-1])  # 危险驾驶罪: reports say 危险驾驶 as often as the crime's name
    return frozenset(out)


def merged(first: Synonyms, *more: Synonyms) -> Synonyms:
    """Several synonyms sources as one: a word's synonyms from each in turn (first's first), word lists joined."""
    mapping = {k: list(v) for k, v in first.mapping.items()}
    for other in more:
        for k, v in other.mapping.items():
            bucket = mapping.setdefault(k, [])
            bucket += [t for t in v if t not in bucket]
    terms = first.terms.union(*(o.terms for o in more))
    return Synonyms({k: tuple(v) for k, v in mapping.items()}, first.entries + sum(o.entries for o in more), terms)


def load_synonyms(path: Path, *also: Path) -> Synonyms:
    """Read and parse a synonyms file (UTF-8), merged with the files in also (synonyms files, or `*.words` word
    lists: the vocabulary, indexer/vocab/); SynonymsError on a bad line or an unreadable file."""
    loaded = []
    for one in (path, *also):
        try:
            text = Path(one).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SynonymsError(f"cannot read the synonyms file {one}: {exc}") from exc
        is_words = Path(one).suffix == ".words"
        loaded.append(Synonyms(terms=parse_words(text)) if is_words else parse_synonyms(text, str(one)))
    return merged(*loaded) if also else loaded[0]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class SynonymFile:
    """A synonyms file re-read whenever it changes on disk (mtime, size), so edits apply without a reindex.

    Created at the edges (CLI, create_app) and asked for `current()` per query. A file that becomes
    malformed keeps the last good version serving (the error is kept in `error`); one that is malformed
    from the start raises.
    """

    def __init__(self, path: Path, also: tuple[Path, ...] = ()) -> None:
        self.path = Path(path)
        self.also = tuple(Path(a) for a in also)  # the vocabulary files merged after it (load_synonyms)
        self._stamp: tuple[tuple[int, int] | None, ...] | None = None
        self._synonyms: Synonyms | None = None
        self.error: str | None = None

    def current(self) -> Synonyms:
        """The synonyms as the file says now (re-parsed only when its mtime or size changed)."""
        stamp = tuple(_stamp(p) for p in (self.path, *self.also))
        if self._synonyms is None or stamp != self._stamp:
            try:
                self._synonyms = load_synonyms(self.path, *self.also)
                self.error = None
            except SynonymsError as exc:
                if self._synonyms is None:
                    raise
                self.error = str(exc)
            self._stamp = stamp
        return self._synonyms


@dataclass
class Expansion:
    """An expanded tree and what was added: {the user's word: [synonyms searched as well]}."""

    tree: Node | None
    added: dict[str, list[str]] = field(default_factory=dict)

    def notice(self) -> str | None:
        """“同时检索：…” naming the added synonyms per word (None when nothing was added)."""
        return expansion_notice(self.added)


def expansion_notice(added: dict[str, list[str]]) -> str | None:
    """“同时检索：电信网络诈骗、电信诈骗（电诈）” for {word: synonyms added} (None when empty)."""
    if not added:
        return None
    return "同时检索：" + "；".join(f"{'、'.join(syns)}（{word}）" for word, syns in added.items())


def expand(tree: Node | None, synonyms: Synonyms | None, words_of: Callable[[str], list[str]]) -> Expansion:
    """Every Words leaf not under NOT becomes a Concept where the synonyms know it (see module docstring)."""
    out = Expansion(tree)
    if tree is None or synonyms is None or not synonyms.mapping:
        return out

    def concept(word: str) -> Node:
        # a synonym containing the word adds no paragraph (the word matches as a substring) and would
        # only outweigh the user's own word in the marks: leave those out
        needle = "".join(_fold(word).split())
        syns = [s for s in synonyms.of(word) if needle not in "".join(s.split())]
        if not syns:
            return Words(word)
        out.added.setdefault(word, [])
        out.added[word] += [s for s in syns if s not in out.added[word]]
        return Concept(Words(word), tuple(Phrase(s) for s in syns))

    def side(node: Words | Phrase | Concept) -> Words | Phrase | Concept:
        if isinstance(node, Words) and synonyms.of(node.text):
            got = concept(node.text)
            assert isinstance(got, (Words, Concept))
            return got
        return node

    def walk(node: Node) -> Node:
        if isinstance(node, Words):
            words = words_of(node.text)
            split = len(words) > 1 and any(synonyms.of(w) for w in words)
            if synonyms.of(node.text):
                whole = concept(node.text)  # may come back as plain Words (every synonym contained it)
                if split:
                    # a line keyed by the whole word adds its terms to what its words and their synonyms
                    # find, never takes that away (a vocabulary line only ever widens a query)
                    return Widened((whole, And(tuple(concept(w) for w in words))))
                return whole
            if not split:
                return node
            return And(tuple(concept(w) for w in words))
        if isinstance(node, And):
            return And(tuple(walk(c) for c in node.children))
        if isinstance(node, Or):
            return Or(tuple(walk(c) for c in node.children))
        if isinstance(node, Near):
            return Near(side(node.left), side(node.right), node.distance)
        return node  # Phrase (exact), Filter, Not (what is excluded stays what the user wrote)

    out.tree = walk(tree)
    return out
