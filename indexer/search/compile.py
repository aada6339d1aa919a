"""Compiling a query tree for one searcher: exact hit sets (words, substrings, phrases, filters, boolean
algebra over docnum sets), the BM25F scoring query for the positive leaves, and the spans to highlight.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.analysis import normalize
from indexer.search.bestof import BestOf
from indexer.search.cache import BuildCache, last_chars
from indexer.search.query import Concept, Filter, Node, Not, Or, Phrase, Words, positives, units
from indexer.search.ranking import Postings
from indexer.search.snippets import compact, find_substrings

DIRECT_VERIFY = 2_000  # phrase candidates (paragraphs with all its bigrams) read directly up to this many
SECTION_BOOST = 2.0
LEAD_BOOST = 1.5
BIGRAM_BOOST = 0.4
ADJACENT_BOOST = 1.5
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 8
SYNONYM_WEIGHT = 0.6  # a synonym's clauses count this much of the user's own word's


def _needle(text: str) -> str:
    return "".join(normalize(text).split())


class Compiler:
    """Turns a query tree into docnum sets (exact) and a Whoosh scoring query, for one searcher."""

    def __init__(self, searcher: Searcher, cache: BuildCache) -> None:
        self.s = searcher
        self.cache = cache
        schema = searcher.schema
        self.word_field = schema["text"]
        self.bi_field = schema["text_bi"]
        self.memo: dict[tuple, frozenset[int]] = {}
        self.postings = Postings(searcher, cache.terms)

    def words(self, text: str) -> list[str]:
        """The index's own word segmentation of a chunk (normalised, punctuation dropped)."""
        return list(dict.fromkeys(self.word_field.process_text(text, mode="query")))

    def bigrams(self, text: str) -> list[str]:
        return list(self.bi_field.process_text(text, mode="query"))

    def docs(self, q: wq.Query) -> frozenset[int]:
        return frozenset(q.docs(self.s))

    def term_docs(self, word: str) -> frozenset[int]:
        key = ("w", word)
        if key not in self.memo:
            # the heading counts: a paragraph under "切实解决执行难" is about 执行难 even if it doesn't repeat it
            self.memo[key] = frozenset(self.postings.doc_ids("text", word) | self.postings.doc_ids("section", word))
        return self.memo[key]

    def substring_docs(self, needle: str) -> frozenset[int]:
        """Paragraphs whose whitespace-free folded text contains needle (Ctrl-F exact)."""
        key = ("s", needle)
        if key in self.memo:
            return self.memo[key]
        if len(needle) == 1:
            found = self.char_docs(needle)
        else:
            grams = list(dict.fromkeys(needle[i : i + 2] for i in range(len(needle) - 1)))
            sets = sorted((self.postings.doc_ids("text_bi", g) for g in grams), key=len)
            candidates = sets[0].intersection(*sets[1:]) if sets else set()
            # where jieba cut the needle as a word of the text it occurs there (tokens are slices of the
            # folded text): only the other candidates need their text read
            sure = candidates & self.postings.doc_ids("text", needle) if len(needle) > 2 else set()
            rest = candidates - sure
            if len(needle) == 2:
                found = frozenset(candidates)
            elif len(rest) <= DIRECT_VERIFY:
                # few paragraphs have every bigram: read their text instead of checking positions
                found = frozenset(sure).union(d for d in sorted(rest) if needle in self.text_of(d))
            else:
                # text_bi holds the bigrams of exactly the folded, whitespace-free text at consecutive
                # positions (indexer/analysis.py), so the positional phrase is already Ctrl-F exact:
                # no need to re-read thousands of stored texts to confirm it
                found = self.docs(wq.Phrase("text_bi", [needle[i : i + 2] for i in range(len(needle) - 1)]))
        self.memo[key] = found
        return found

    def text_of(self, docnum: int) -> str:
        """The paragraph's text as needles are matched: folded, whitespace removed."""
        return _needle(self.s.stored_fields(docnum).get("text", ""))

    def char_docs(self, ch: str) -> frozenset[int]:
        reader = self.s.reader()
        out: set[int] = set()
        for term in reader.expand_prefix("text_bi", ch):
            t = term.decode("utf-8") if isinstance(term, bytes) else term
            out.update(reader.postings("text_bi", term).all_ids() if t else ())
        out |= last_chars(self.cache, self.s).get(ch, frozenset())
        return frozenset(out)

    # exact hit sets ------------------------------------------------------

    def chunk_docs(self, text: str, whole_words: bool) -> frozenset[int]:
        needle = _needle(text)
        words = self.words(text)
        word_sets: list[frozenset[int]] = []
        for w in words:
            ds = self.term_docs(w)
            if not whole_words and len(w) > 1:
                ds = ds | self.substring_docs(w)
            word_sets.append(ds)
        found = frozenset.intersection(*word_sets) if word_sets else frozenset()
        if not whole_words and needle:
            found = found | self.substring_docs(needle)
        return found

    def evaluate(self, node: Node | None, whole_words: bool = False) -> frozenset[int]:
        """The exact set of docnums matching the tree (whole_words: chunks only as jieba words)."""
        return self.walk(node, whole_words)

    def walk(self, node: Node | None, whole_words: bool = False):  # noqa: ANN201 - a set here, an array in ArrayCompiler
        """The query's rules, written once: the docnums matching the tree, built with this compiler's
        leaves and set operations (Python sets here; ArrayCompiler swaps in sorted docnum arrays)."""
        if node is None:
            return self.all_docs()
        if isinstance(node, Words):
            return self.chunk(node.text, whole_words)
        if isinstance(node, Phrase):
            needle = _needle(node.text)
            return self.substring(needle) if needle else self.no_docs()
        if isinstance(node, Filter):
            return self.filter_docs(node)
        if isinstance(node, Not):
            return self.minus(self.all_docs(), self.walk(node.child))  # excluded in any form, not just as words
        if isinstance(node, Concept) and whole_words:
            return self.walk(node.word, whole_words)  # the first tier: the user's own words, whole
        if isinstance(node, (Or, Concept)):
            return self.union([self.walk(c, whole_words) for c in node.children])
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c for c in node.children if isinstance(c, Not)]
        result = self.all_docs() if not pos else None
        for c in sorted(pos, key=lambda c: not isinstance(c, (Filter, Phrase))):
            got = self.walk(c, whole_words)
            result = got if result is None else self.intersect(result, got)
            if not len(result):
                return self.no_docs()
        assert result is not None
        for n in neg:
            result = self.minus(result, self.walk(n.child))
        return result

    # the leaves and operations walk() builds with (overridden by vector.ArrayCompiler)

    def all_docs(self) -> frozenset[int]:
        return self.cache.maps.universe

    def no_docs(self) -> frozenset[int]:
        return frozenset()

    def chunk(self, text: str, whole_words: bool) -> frozenset[int]:
        return self.chunk_docs(text, whole_words)

    def substring(self, needle: str) -> frozenset[int]:
        return self.substring_docs(needle)

    def filter_docs(self, node: Filter) -> frozenset[int]:
        maps = self.cache.maps
        if node.field == "year":
            return maps.years_between(*node.year_range())
        return getattr(maps, node.field).get(node.value, frozenset())

    def union(self, parts: list) -> frozenset[int]:
        return frozenset().union(*parts)

    def intersect(self, a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
        return a & b

    def minus(self, a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
        return a - b

    # scoring -------------------------------------------------------------

    def scoring_query(self, tree: Node | None) -> wq.Query | None:
        """BM25F clauses for the positive leaves (None when nothing is to be scored).

        A Concept is one score (BestOf): its word's where the word matches, else its best synonym's at
        SYNONYM_WEIGHT; a paragraph saying both 电诈 and 电信网络诈骗 is not worth two matches.
        """
        clauses: list[wq.Query] = []
        all_words: list[str] = []
        scored = units(tree)
        for unit in scored:
            if isinstance(unit, Concept):
                own = self.leaf_clauses(unit.word, all_words)
                alts = [self.leaf_clauses(syn, [], SYNONYM_WEIGHT) for syn in unit.synonyms]
                clauses.append(BestOf([wq.Or(c) for c in [own, *alts] if c], first_wins=bool(own)))
            else:
                clauses += self.leaf_clauses(unit, all_words)
        uniq = list(dict.fromkeys(all_words))
        if 1 < len(uniq) <= 8 and len(scored) > 1:
            clauses.append(wq.Phrase("text", uniq, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
        if not clauses:
            return None
        return wq.Or(clauses)

    def leaf_clauses(self, leaf: Words | Phrase, all_words: list[str], weight: float = 1.0) -> list[wq.Query]:
        """One leaf's clauses (its words in text/section/lead, bigram phrases, adjacency), boosts × weight."""
        clauses: list[wq.Query] = []
        words = self.words(leaf.text)
        all_words.extend(words)
        for w in words:
            clauses.append(wq.Term("text", w, boost=weight))
            clauses.append(wq.Term("section", w, boost=SECTION_BOOST * weight))
            clauses.append(wq.Term("lead", w, boost=LEAD_BOOST * weight))
        needle = _needle(leaf.text)
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

    # highlighting --------------------------------------------------------

    def marks(self, tree: Node | None, text: str) -> tuple[list[tuple[int, int]], list[str]]:
        """Spans of every positive word / substring / phrase in text, with the query string each matched."""
        folded = normalize(text)
        squeezed = compact(folded)
        spans: list[tuple[int, int]] = []
        keys: list[str] = []
        singles: set[str] = set()
        for leaf in positives(tree):
            needle = _needle(leaf.text)
            needles = {needle} if needle else set()
            if isinstance(leaf, Words):
                for w in self.words(leaf.text):
                    if len(w) > 1:
                        needles.add(_needle(w))
                    elif needle != w:
                        singles.add(w)  # one-character words mark only where jieba cut them as words
            for n in needles:
                found = find_substrings(folded, [n], squeezed)
                spans += found
                keys += [n] * len(found)
        if singles:
            for tok in self.word_field.analyzer(text, chars=True, mode="index"):
                if tok.text in singles:
                    spans.append((tok.startchar, tok.endchar))
                    keys.append(tok.text)
        return spans, keys
