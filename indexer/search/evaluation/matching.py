"""A query tree → the exact set of matching paragraphs, as a sorted docnum array.

How a query matches (the syntax is indexer/search/language/query.py's):
- an unquoted chunk is cut into words by the index's word analyzer; a paragraph matches when every word
  matches, as a jieba word of its text or section heading or as a substring of its text, or when the
  whole chunk occurs as a substring. So any chunk of 2+ characters that occurs in a paragraph finds it;
- a quoted phrase matches exactly the paragraphs whose text, whitespace removed and full-width and
  traditional characters folded, contains it (Ctrl-F): its bigrams at consecutive positions of `text_bi`,
  whose positions run over exactly that folded, whitespace-free text (indexer/analysis.py);
- a one-character needle occurs where a bigram starts with it, ends with it, or is it (a text of one
  character): looked up in the bigram term table;
- a Concept (a word and its synonyms, indexer/search/language/synonyms.py) matches any of them;
- `A NEAR/n B`: an occurrence of each side (its exact text, or any form of a Concept side) at most n characters
  apart, from text_bi's positions (indexer/search/evaluation/occurrences.py);
- filters (institution, year range, theme) are the facet columns; NOT is a difference from all paragraphs.
"""

from __future__ import annotations

import numpy as np

from indexer.analysis import normalize
from indexer.index.arrays import EMPTY
from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.occurrences import Occurrences
from indexer.search.evaluation.positions import phrase_docs
from indexer.search.evaluation.sets import distinct, intersect, minus, union
from indexer.search.evaluation.terms import Terms
from indexer.search.language.query import Concept, Filter, Near, Node, Not, Or, Phrase, Words


def needle(text: str) -> str:
    """A query string as it is matched against text: folded, whitespace removed."""
    return "".join(normalize(text).split())


def bigrams(text: str) -> list[str]:
    """The overlapping character pairs of a needle (text_bi's terms)."""
    return [text[i : i + 2] for i in range(len(text) - 1)]


def forms(node: Words | Phrase | Concept, whole_words: bool = False) -> list[str]:
    """The needles a NEAR side or a 同句 word stands for: its text; a Concept's word and synonyms (only the
    word with whole_words, the first tier's rule)."""
    if isinstance(node, Concept):
        leaves: list[Words | Phrase] = [node.word] if whole_words else list(node.children)
    else:
        leaves = [node]
    return [n for n in dict.fromkeys(needle(leaf.text) for leaf in leaves) if n]


class Matcher:
    """Exact hit sets for one request (memoised per word and needle)."""

    def __init__(self, ctx: BuildContext, reader: Terms | None = None, headings: bool = True) -> None:
        self.ctx = ctx
        self.terms = reader if reader is not None else Terms(ctx)
        self.occurrences = Occurrences(self.terms)
        self.memo: dict[tuple[str, str], np.ndarray] = {}
        self.near_memo: dict[tuple[Near, bool], np.ndarray] = {}
        self.headings = headings  # whether a word of a paragraph's section heading counts as a word of it

    def text_only(self) -> "Matcher":
        """A Matcher over the same reads in which only the paragraphs' own text counts (not their headings)."""
        return Matcher(self.ctx, self.terms, headings=False)

    def words(self, text: str) -> list[str]:
        """The index's own word segmentation of a chunk."""
        return self.ctx.words(text)

    def term_docs(self, word: str) -> np.ndarray:
        """Paragraphs with word as a jieba word of their text, or of their section heading (a paragraph
        under "切实解决执行难" is about 执行难 even if it does not repeat it) unless self.headings is False."""
        key = ("w", word)
        got = self.memo.get(key)
        if got is None:
            fields = ("text", "section") if self.headings else ("text",)
            got = self.memo[key] = union([self.terms.docs(f, word) for f in fields], self.ctx.size)
        return got

    def substring_docs(self, text: str) -> np.ndarray:
        """Paragraphs whose folded, whitespace-free text contains text (a needle)."""
        key = ("s", text)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._substring(text)
        return got

    def _substring(self, text: str) -> np.ndarray:
        if len(text) == 1:
            return union([self.terms.prefix_docs("text_bi", text), self.terms.suffix_docs("text_bi", text)],
                         self.ctx.size)
        grams = bigrams(text)
        distinct = sorted(dict.fromkeys(grams), key=lambda g: self.terms.postings("text_bi", g).df)
        candidates = self.terms.docs("text_bi", distinct[0])
        for g in distinct[1:]:
            if not len(candidates):
                return EMPTY
            candidates = intersect(candidates, self.terms.docs("text_bi", g))
        if len(grams) == 1 or not len(candidates):
            return candidates
        # where jieba cut the needle as a word of the text it occurs there: only the others are checked
        sure = intersect(candidates, self.terms.docs("text", text))
        rest = minus(candidates, sure)
        found = phrase_docs(self.terms, "text_bi", grams, rest) if len(rest) else EMPTY
        got = self.terms.phrases[("text_bi", tuple(grams))] = union([sure, found], self.ctx.size)
        return got

    def chunk_docs(self, text: str, whole_words: bool) -> np.ndarray:
        """An unquoted chunk: every word (as a word, or a substring unless whole_words), or the whole chunk."""
        key = ("c" if whole_words else "C", text)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._chunk(text, whole_words)
        return got

    def _chunk(self, text: str, whole_words: bool) -> np.ndarray:
        found: np.ndarray | None = None
        words = self.words(text)
        for w in words:
            docs = self.term_docs(w)
            if not whole_words and len(w) > 1:
                docs = union([docs, self.substring_docs(w)], self.ctx.size)
            found = docs if found is None else intersect(found, docs)
            if not len(found):
                break
        found = EMPTY if found is None else found
        whole = needle(text)
        # The whole chunk as a substring adds nothing when every word is matched as a substring too: each
        # word is a piece of the chunk, so a paragraph containing the chunk contains them all. Only a
        # one-character word (matched as a word, not a substring) can leave such a paragraph out.
        if not whole_words and whole and (not words or any(len(w) == 1 for w in words)):
            found = union([found, self.substring_docs(whole)], self.ctx.size)
        return found

    def filter_docs(self, node: Filter) -> np.ndarray:
        """A field filter's paragraphs (facet columns)."""
        if node.field == "year":
            return self.ctx.years.between(*node.year_range(), self.ctx.live)
        return self.ctx.columns[node.field].docs(node.value, self.ctx.live)

    def near_docs(self, node: Near, whole_words: bool = False) -> np.ndarray:
        """Paragraphs with the two sides of `A NEAR/n B` at most n characters apart."""
        key = (node, whole_words)
        got = self.near_memo.get(key)
        if got is None:
            left, right = forms(node.left, whole_words), forms(node.right, whole_words)
            within = intersect(union([self.substring_docs(n) for n in left], self.ctx.size),
                               union([self.substring_docs(n) for n in right], self.ctx.size))
            keys = self.occurrences.near(left, right, node.distance, within)
            got = self.near_memo[key] = distinct(keys >> 32) if len(keys) else EMPTY
        return got

    def evaluate(self, node: Node | None, whole_words: bool = False) -> np.ndarray:
        """The sorted docnums matching the tree (whole_words: chunks only as jieba words)."""
        if node is None:
            return self.ctx.universe
        if isinstance(node, Words):
            return self.chunk_docs(node.text, whole_words)
        if isinstance(node, Phrase):
            text = needle(node.text)
            return self.substring_docs(text) if text else EMPTY
        if isinstance(node, Filter):
            return self.filter_docs(node)
        if isinstance(node, Near):
            return self.near_docs(node, whole_words)
        if isinstance(node, Not):
            return minus(self.ctx.universe, self.evaluate(node.child))  # excluded in any form, not just as words
        if isinstance(node, Concept) and whole_words:
            return self.evaluate(node.word, whole_words)  # the first tier: the user's own words, whole
        if isinstance(node, (Or, Concept)):
            return union([self.evaluate(c, whole_words) for c in node.children], self.ctx.size)
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c for c in node.children if isinstance(c, Not)]
        result = self.ctx.universe if not pos else None
        for c in sorted(pos, key=lambda c: not isinstance(c, (Filter, Phrase))):  # the narrow ones first
            got = self.evaluate(c, whole_words)
            result = got if result is None else intersect(result, got)
            if not len(result):
                return EMPTY
        assert result is not None
        for n in neg:
            result = minus(result, self.evaluate(n.child))
        return result
