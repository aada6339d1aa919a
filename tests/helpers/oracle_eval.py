"""The oracle's evaluator: a query tree → its exact hit set and every hit's BM25F score, read only from
Whoosh's own searcher over a reference index (written by Whoosh's stock writer, tests/helpers/oracle.py).

The rules are copied, not imported, from the product's reference path as it stood before issue 17
(indexer/search/compile.py `Compiler.walk`/`scoring_query`, bestof.py `BestOf`, partial.py), so the product
may delete that path and still be judged by it. Only the query *language* comes from the product: the
parser's tree types and walks (indexer.search.language.query), the synonym expansion and the analyzers (the reference
index's own schema). Deliberately simple rather than fast:
- a word's paragraphs are Whoosh's postings of `text` and `section` (`Searcher.docs_for_query`);
- a substring (any Words chunk, a quoted phrase, a 1-character term) is Ctrl-F: `needle in squeezed text`
  over every live paragraph's stored text (folded by analysis.normalize, whitespace removed);
- filters compare the stored institution / theme / years;
- a score is the sum, over the scoring query's clauses, of the clause's score as Whoosh scores it on its own
  (`searcher.search(clause, limit=None)`: every matching document, no top-k shortcut); a synonym concept
  (BestOf) is combined here in plain Python: its own word's score where the word matches, else the best
  synonym's. Summing clause by clause instead of Whoosh's matcher tree changes only the order of float
  additions (see oracle_compare.REL_TOL).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from indexer.analysis import normalize
from indexer.search.language.query import And, Concept, Filter, Node, Not, Or, Phrase, Widened, Words, render, units

# The scoring query's boosts (indexer/search/compile.py before issue 17).
SECTION_BOOST = 2.0
LEAD_BOOST = 1.5
BIGRAM_BOOST = 0.4
ADJACENT_BOOST = 1.5
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 8
SYNONYM_WEIGHT = 0.6  # a synonym's clauses count this much of the user's own word's


def squeeze(text: str) -> str:
    """What Ctrl-F compares: folded (analysis.normalize) with every whitespace character removed."""
    return "".join(normalize(text).split())


@dataclass(frozen=True)
class Doc:
    """One live paragraph of the reference index, from its stored fields."""

    docnum: int
    id: str
    report: str
    position: int
    institution: str
    theme: str
    years: tuple[int, ...]
    squeezed: str  # the text as substrings are matched


@dataclass(frozen=True)
class Best:
    """A synonym concept's clause: each alternative is a list of clauses (summed); a document scores its
    first alternative's sum where that one matches (first_wins), else the largest matching alternative's."""

    alternatives: tuple[tuple[wq.Query, ...], ...]
    first_wins: bool


def _key(q: wq.Query) -> tuple:
    if isinstance(q, wq.Phrase):
        return ("phrase", q.fieldname, tuple(q.words), q.slop, q.boost)
    return ("term", q.fieldname, q.text, q.boost)


class Evaluator:
    """Exact hit sets and BM25F scores of query trees over one reference searcher (see the module docstring)."""

    def __init__(self, searcher) -> None:
        self.s = searcher
        self.docs: dict[int, Doc] = {}
        for docnum, stored in searcher.reader().iter_docs():  # live documents only
            years = tuple(int(y) for y in str(stored.get("years", "")).split() if y.isdigit())
            self.docs[docnum] = Doc(docnum, stored["id"], stored["report"], int(stored["position"]),
                                    stored.get("institution", ""), stored.get("theme", ""), years,
                                    squeeze(stored.get("text", "")))
        self.universe = frozenset(self.docs)
        self.word_field = searcher.schema["text"]
        self._sets: dict[tuple, frozenset[int]] = {}
        self._clauses: dict[tuple, dict[int, float]] = {}

    # ------------------------------------------------------------------ analysis (the language)

    def words(self, text: str) -> list[str]:
        """The index's own word segmentation of a chunk (normalised, punctuation dropped), each word once."""
        return list(dict.fromkeys(self.word_field.process_text(text, mode="query")))

    # ------------------------------------------------------------------ leaves

    def term_docs(self, word: str, headings: bool = True) -> frozenset[int]:
        """Paragraphs with the word as a jieba word of their text or (unless headings is False) of their section heading."""
        key = ("w", word, headings)
        if key not in self._sets:
            found: set[int] = set()
            for field in ("text", "section") if headings else ("text",):
                found.update(self.s.docs_for_query(wq.Term(field, word)))
            self._sets[key] = frozenset(found)
        return self._sets[key]

    def substring_docs(self, needle: str) -> frozenset[int]:
        """Paragraphs whose squeezed text contains needle (Ctrl-F), by reading every one."""
        key = ("s", needle)
        if key not in self._sets:
            self._sets[key] = frozenset(d for d, doc in self.docs.items() if needle in doc.squeezed)
        return self._sets[key]

    def filter_docs(self, node: Filter) -> frozenset[int]:
        """Paragraphs with the institution / theme, or covering a year of the range."""
        if node.field == "year":
            first, last = node.year_range()
            return frozenset(d for d, doc in self.docs.items() if any(first <= y <= last for y in doc.years))
        return frozenset(d for d, doc in self.docs.items() if getattr(doc, node.field) == node.value)

    def chunk_docs(self, text: str, whole_words: bool, headings: bool = True) -> frozenset[int]:
        """An unquoted chunk: every word as a word (or, unless whole_words, as a substring), or the whole chunk as a substring."""
        needle = squeeze(text)
        sets = []
        for w in self.words(text):
            ds = self.term_docs(w, headings)
            if not whole_words and len(w) > 1:
                ds = ds | self.substring_docs(w)
            sets.append(ds)
        found = frozenset.intersection(*sets) if sets else frozenset()
        if not whole_words and needle:
            found = found | self.substring_docs(needle)
        return found

    # ------------------------------------------------------------------ the tree

    def evaluate(self, node: Node | None, whole_words: bool = False, headings: bool = True) -> frozenset[int]:
        """The docnums matching the tree; whole_words: unquoted chunks only as jieba words, concepts only as the user's word;
        headings=False: words of the text only, not of the section heading."""
        if node is None:
            return self.universe
        if isinstance(node, Words):
            return self.chunk_docs(node.text, whole_words, headings)
        if isinstance(node, Phrase):
            needle = squeeze(node.text)
            return self.substring_docs(needle) if needle else frozenset()
        if isinstance(node, Filter):
            return self.filter_docs(node)
        if isinstance(node, Not):
            return self.universe - self.evaluate(node.child)  # excluded in any form, not just as words
        if isinstance(node, Concept) and whole_words:
            return self.evaluate(node.word, True, headings)
        if isinstance(node, (Or, Concept)):
            return frozenset().union(*(self.evaluate(c, whole_words, headings) for c in node.children))
        assert isinstance(node, And)
        result = self.universe
        for c in node.children:
            if not isinstance(c, Not):
                result = result & self.evaluate(c, whole_words, headings)
        for c in node.children:
            if isinstance(c, Not):
                result = result - self.evaluate(c.child)
        return result

    # ------------------------------------------------------------------ scoring

    def scoring_clauses(self, tree: Node | None) -> list[wq.Query | Best]:
        """The BM25F clauses of the tree's positive units ([] when nothing is to be scored)."""
        clauses: list[wq.Query | Best] = []
        all_words: list[str] = []
        scored = units(tree)
        for unit in scored:
            if isinstance(unit, Concept):
                own = self.leaf_clauses(unit.word, all_words)
                alts = [self.leaf_clauses(syn, [], SYNONYM_WEIGHT) for syn in unit.synonyms]
                clauses.append(Best(tuple(tuple(c) for c in [own, *alts] if c), first_wins=bool(own)))
            else:
                clauses += self.leaf_clauses(unit, all_words)
        uniq = list(dict.fromkeys(all_words))
        if 1 < len(uniq) <= 8 and len(scored) > 1:
            clauses.append(wq.Phrase("text", uniq, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
        return clauses

    def leaf_clauses(self, leaf: Words | Phrase, all_words: list[str], weight: float = 1.0) -> list[wq.Query]:
        """One leaf's clauses: its words in text/section/lead, its bigram phrase and words', word adjacency."""
        clauses: list[wq.Query] = []
        words = self.words(leaf.text)
        all_words.extend(words)
        for w in words:
            clauses.append(wq.Term("text", w, boost=weight))
            clauses.append(wq.Term("section", w, boost=SECTION_BOOST * weight))
            clauses.append(wq.Term("lead", w, boost=LEAD_BOOST * weight))
        needle = squeeze(leaf.text)
        if len(needle) >= 2:
            grams = [needle[i : i + 2] for i in range(len(needle) - 1)]
            boost = (1.0 if isinstance(leaf, Phrase) else BIGRAM_BOOST) * weight
            clauses.append(wq.Term("text_bi", grams[0], boost=boost) if len(grams) == 1
                           else wq.Phrase("text_bi", grams, boost=boost))
            for w in words:
                if len(w) > 1 and w != needle:
                    clauses.append(wq.Phrase("text_bi", [w[i : i + 2] for i in range(len(w) - 1)], boost=BIGRAM_BOOST * weight)
                                   if len(w) > 2 else wq.Term("text_bi", w, boost=BIGRAM_BOOST * weight))
        elif needle:
            clauses.append(wq.Term("text_bi", needle, boost=weight))
        if len(words) > 1:
            clauses.append(wq.Phrase("text", words, boost=ADJACENT_BOOST * weight))
        return clauses

    def clause_scores(self, clause: wq.Query) -> dict[int, float]:
        """docnum → Whoosh's own score of one Term/Phrase clause, for every document it matches."""
        key = _key(clause)
        got = self._clauses.get(key)
        if got is None:
            got = self._clauses[key] = {hit.docnum: hit.score for hit in self.s.search(clause, limit=None, terms=False)}
        return got

    def _sum(self, clauses: tuple[wq.Query, ...] | list[wq.Query]) -> dict[int, float]:
        out: dict[int, float] = {}
        for c in clauses:
            for d, v in self.clause_scores(c).items():
                out[d] = out.get(d, 0.0) + v
        return out

    def _best(self, best: Best) -> dict[int, float]:
        alts = [self._sum(a) for a in best.alternatives]
        out: dict[int, float] = {}
        for n, alt in enumerate(alts):
            for d, v in alt.items():
                if best.first_wins and n > 0 and d in alts[0]:
                    continue  # the user's own word matches here: its score is the concept's
                if best.first_wins and n == 0:
                    out[d] = v
                else:
                    out[d] = max(v, out.get(d, v))
        return out

    def scores(self, tree: Node | None) -> dict[int, float] | None:
        """docnum → score for every document the tree's scoring query matches; None when it has no clause."""
        clauses = self.scoring_clauses(tree)
        if not clauses:
            return None
        out: dict[int, float] = {}
        for c in clauses:
            for d, v in (self._best(c) if isinstance(c, Best) else self.clause_scores(c)).items():
                out[d] = out.get(d, 0.0) + v
        return out

    # ------------------------------------------------------------------ partial matches (partial.py)

    def split_query(self, tree: Node | None) -> tuple[list[Node], list[Node]]:
        """(concepts, constraints) of the tree's top level: filters and NOTs constrain, the rest are concepts."""
        if tree is None:
            return [], []
        top = list(tree.children) if isinstance(tree, And) else [tree]
        concepts: list[Node] = []
        constraints: list[Node] = []
        for node in top:
            if isinstance(node, (Filter, Not)):
                constraints.append(node)
            elif isinstance(node, And):  # a chunk the synonyms split into word concepts
                concepts.extend(node.children)
            elif isinstance(node, Widened):  # a chunk keyed whole and split: each word, or the whole chunk's terms
                whole, split = node.children
                assert isinstance(split, And)
                concepts.extend(Widened((c, whole)) for c in split.children)
            elif isinstance(node, Words):
                words = self.words(node.text)
                if len(words) > 1:
                    concepts.extend(Words(w) for w in words)
                else:
                    concepts.append(node)
            else:
                concepts.append(node)
        return concepts, constraints


def label(node: Node) -> str:
    """How a concept is named to the user in `missing`: the user's word for a synonym concept, else the query text."""
    return node.word.text if isinstance(node, Concept) else render(node)
