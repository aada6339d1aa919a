"""同句 (same sentence): a query evaluated sentence by sentence — a paragraph matches when one of its sentences
holds the query, sentences split on 。！？；(indexer/search/evaluation/occurrences.py).

- a word, a quoted phrase or a Concept holds in the sentences where it stands as written (its exact text,
  whitespace ignored, like a quoted phrase; a Concept: any of its forms), never across a sentence end;
- `A NEAR/n B` holds in the sentences with such a pair inside them;
- AND and OR combine sentence by sentence: `A B` needs A and B in one sentence, `(A OR B) C` A or B with C;
- filters and NOT stay about the paragraph: what NOT excludes is excluded anywhere in it, as without 同句.

A node's value is (S, D): S the sentence keys (docnum << 32 | sentence number) it holds in, D the paragraphs
in every sentence of which it holds (filters, NOT). AND of (S1, D1) and (S2, D2) is (S1∩S2 ∪ S1 within D2 ∪
S2 within D1, D1∩D2); OR is (S1∪S2, D1∪D2); a paragraph matches when it has a sentence in S or is in D.
Only paragraphs that match without 同句 can match with it (a word standing in a sentence stands in the
paragraph), so everything is read only in those (`within`).
"""

from __future__ import annotations

import numpy as np

from indexer.search.evaluation.matching import Matcher, forms
from indexer.search.evaluation.sets import distinct, intersect, minus, union
from indexer.search.language.query import And, Concept, Filter, Near, Node, Not, Or, Phrase, Words

Value = tuple[np.ndarray, np.ndarray]  # (sentence keys int64, docnums), both sorted
_NO_KEYS = np.zeros(0, dtype=np.int64)
_LOW = (np.int64(1) << np.int64(32)) - 1


def _docs_of(keys: np.ndarray) -> np.ndarray:
    return distinct(keys >> np.int64(32)) if len(keys) else np.zeros(0, dtype=np.intp)


def _keys_in(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The keys whose paragraph is one of docs."""
    if not len(keys) or not len(docs):
        return _NO_KEYS
    of = keys >> np.int64(32)
    at = np.minimum(np.searchsorted(docs, of), len(docs) - 1)
    return keys[docs[at] == of]


class SentenceMatch:
    """The 同句 evaluation of one tree over the paragraphs `within` (those matching it without 同句)."""

    def __init__(self, matcher: Matcher, tree: Node | None, within: np.ndarray) -> None:
        self.m = matcher
        self.occ = matcher.occurrences
        self.within = within
        if tree is None:
            self.keys, self.docs = _NO_KEYS, within
            return
        keys, whole = self._value(tree)
        self.keys = keys  # the sentences holding the query
        self.docs = union([_docs_of(keys), whole], matcher.ctx.size)

    def sentence(self, docnum: int) -> int | None:
        """The number of the first sentence of the paragraph holding the query (None: it holds in every one)."""
        at = int(np.searchsorted(self.keys, np.int64(docnum) << np.int64(32)))
        if at < len(self.keys) and int(self.keys[at] >> np.int64(32)) == docnum:
            return int(self.keys[at] & _LOW)
        return None

    def _value(self, node: Node) -> Value:
        within = self.within
        if isinstance(node, (Words, Phrase, Concept)):
            return self._leaf(forms(node)), within[:0]
        if isinstance(node, Near):
            got = self.occ.near(forms(node.left), forms(node.right), node.distance, within, sentences=True)
            return np.unique(self.occ.sentence_keys(got, within)), within[:0]
        if isinstance(node, Filter):
            return _NO_KEYS, intersect(within, self.m.filter_docs(node))
        if isinstance(node, Not):
            return _NO_KEYS, minus(within, self.m.evaluate(node.child))
        values = [self._value(c) for c in node.children]
        keys, docs = values[0]
        for k, d in values[1:]:
            if isinstance(node, Or):
                keys, docs = np.union1d(keys, k), union([docs, d], self.m.ctx.size)
            else:
                assert isinstance(node, And)
                keys = np.unique(np.concatenate([np.intersect1d(keys, k, assume_unique=True), _keys_in(keys, d),
                                                 _keys_in(k, docs)]))
                docs = intersect(docs, d)
        return keys, docs

    def _leaf(self, needles: list[str]) -> np.ndarray:
        """The sentences in which one of the needles stands whole."""
        parts = []
        for n in needles:
            starts = self.occ.starts(n, self.within)
            starts = starts[self.occ.inside(starts, len(n), self.within)]
            parts.append(self.occ.sentence_keys(starts, self.within))
        return np.unique(np.concatenate(parts)) if parts else _NO_KEYS

