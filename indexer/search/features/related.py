"""Related paragraphs: when the literal query finds few full matches, terms its best hits share (RM3-style).

Pseudo-relevance feedback over the build's own text: the first FEEDBACK_DOCS full matches (or, with none,
partial matches) are read as jieba words; each candidate word scores Σ over those paragraphs of
tf/length (P(w|d), the feedback paragraphs weighted alike) × idf — the relevance model RM3 draws its
expansion terms from. A candidate is a word of at least two characters that is not a query word nor a
piece of one, occurs in at least MIN_DF paragraphs and in at most MAX_DF_SHARE of them (generic words
say nothing), and — when an official vocabulary is given (indexer/vocab/, see docs/meaning.md) — is one of
its terms or is already a word the synonyms know. The best RELATED_TERMS words form an OR query whose
matches, ranked by BM25 over those words, are listed after every full and partial match, labelled
`相关：…` with the terms each one has; never counted in `total` or the facets (engine.search).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from indexer.search.evaluation.matching import Matcher, needle
from indexer.search.evaluation.sets import intersect, members, minus
from indexer.search.language.query import Concept, Node, Or, Phrase, Words, units

RELATED_BELOW = 10  # related paragraphs are looked for only when fewer full matches than this
FEEDBACK_DOCS = 5  # the first this many hits feed the terms
RELATED_TERMS = 5  # terms searched as related
MIN_DF = 2
MAX_DF_SHARE = 0.03
_WORDLIKE = re.compile(r"^[\u3400-\u9fff]{2,}$")


@dataclass
class Related:
    """The related terms found for a query and the paragraphs listed for them."""

    terms: list[str] = field(default_factory=list)
    docs: list[tuple[int, float]] = field(default_factory=list)
    tree: Node | None = None

    def has(self, m: Matcher, docnum: int) -> list[str]:
        """The related terms one listed paragraph contains."""
        probe = np.array([docnum], dtype=np.intp)
        text = m.text_only()
        return [t for t in self.terms if members(probe, text.evaluate(Words(t), whole_words=True))[0]]


def query_words(m: Matcher, tree: Node | None) -> list[str]:
    """The user's words and the synonyms the expansion added, as needles (what a related term must differ from)."""
    out: list[str] = []
    for unit in units(tree):
        leaves: list[Words | Phrase] = [unit.word, *unit.synonyms] if isinstance(unit, Concept) else [unit]
        for leaf in leaves:
            out.append(needle(leaf.text))
            out += [needle(w) for w in m.words(leaf.text)]
    return [w for w in dict.fromkeys(out) if w]


def candidate_terms(m: Matcher, feedback: list[int], avoid: list[str], vocabulary: frozenset[str] | None) -> list[str]:
    """The RELATED_TERMS best feedback words (see the module docstring), best first."""
    n = max(1, len(m.ctx.universe))
    weight: dict[str, float] = {}
    for docnum in feedback:
        words = [w for w in m.words(m.ctx.stored(docnum).get("text", "")) if _WORDLIKE.match(w)]
        if not words:
            continue
        for w, tf in Counter(words).items():
            weight[w] = weight.get(w, 0.0) + tf / len(words)
    scored: list[tuple[float, str]] = []
    for w, p in weight.items():
        if any(w in a or a in w for a in avoid):
            continue
        if vocabulary is not None and w not in vocabulary:
            continue
        df = m.terms.postings("text", w).df
        if df < MIN_DF or df > MAX_DF_SHARE * n:
            continue
        scored.append((p * math.log(n / df), w))
    scored.sort(key=lambda sw: (-sw[0], sw[1]))
    return [w for _s, w in scored[:RELATED_TERMS]]


def related_docs(m: Matcher, terms: list[str], exclude: np.ndarray, pool: np.ndarray | None) -> tuple[Node | None, np.ndarray]:
    """The OR query of the terms and its paragraphs outside exclude (within pool, the filters' paragraphs)."""
    if not terms:
        return None, exclude[:0]
    tree: Node = Or(tuple(Words(t) for t in terms)) if len(terms) > 1 else Words(terms[0])
    docs = minus(m.text_only().evaluate(tree, whole_words=True), exclude)  # said in the text, not a heading
    if pool is not None:
        docs = intersect(docs, pool)
    return tree, docs
