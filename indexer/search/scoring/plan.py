"""What a query scores: its clauses, written once as data (the evaluator is indexer/search/scoring/score.py).

The ranking is BM25F over text, section and lead (section and lead boosted) with bigram and proximity
clauses; a paragraph's score is the sum of the clauses it matches:
- each word of a leaf: its BM25F in `text`, in `section` (× SECTION_BOOST) and in `lead` (× LEAD_BOOST);
- the leaf's needle as bigrams of `text_bi` (a phrase: the bigrams at consecutive positions), × BIGRAM_BOOST
  for an unquoted chunk, × 1 for a quoted phrase; each longer word of a chunk likewise, × BIGRAM_BOOST;
- a chunk of several words: the words adjacent in `text` (× ADJACENT_BOOST);
- several query units: their words in order within PROXIMITY_SLOP positions (× PROXIMITY_BOOST).
A phrase clause scores the sum of its terms' BM25F where it matches (Whoosh's SpanNear2 does so).
A Concept (a word and its synonyms) is ONE score: its word's clauses where any of them matches, else its
best synonym's at SYNONYM_WEIGHT — a paragraph saying both 电诈 and 电信网络诈骗 is not worth two matches.
These are the Whoosh queries the oracle (tests/helpers/oracle.py) scores with; the tests compare both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.search.evaluation.matching import bigrams, needle
from indexer.search.language.query import Concept, Node, Phrase, Words, units

SECTION_BOOST = 2.0
LEAD_BOOST = 1.5
BIGRAM_BOOST = 0.4
ADJACENT_BOOST = 1.5
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 8
PROXIMITY_MAX_WORDS = 8  # more distinct words than this: no proximity clause
SYNONYM_WEIGHT = 0.6  # a synonym's clauses count this much of the user's own word's


@dataclass(frozen=True)
class TermClause:
    """BM25F of one term in one field, × boost."""

    field: str
    term: str
    boost: float = 1.0


@dataclass(frozen=True)
class PhraseClause:
    """Terms in order, each 1..slop positions after the previous (slop 1: adjacent); scores Σ terms' BM25F × boost."""

    field: str
    terms: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class SumClause:
    """The sum of the children that match (Whoosh's Or)."""

    children: tuple["Clause", ...]


@dataclass(frozen=True)
class BestClause:
    """One of the alternatives' scores: the first's where it matches (first_wins), else the best matching one's."""

    alternatives: tuple[SumClause, ...]
    first_wins: bool


Clause = TermClause | PhraseClause | SumClause | BestClause


def _text_terms(field: str, terms: list[str], boost: float) -> Clause:
    return TermClause(field, terms[0], boost) if len(terms) == 1 else PhraseClause(field, tuple(terms), 1, boost)


def leaf_clauses(leaf: Words | Phrase, words_of: Callable[[str], list[str]], all_words: list[str],
                 weight: float = 1.0) -> list[Clause]:
    """One leaf's clauses (its words in text/section/lead, bigram phrases, adjacency), boosts × weight."""
    clauses: list[Clause] = []
    words = words_of(leaf.text)
    all_words.extend(words)
    for w in words:
        clauses.append(TermClause("text", w, weight))
        clauses.append(TermClause("section", w, SECTION_BOOST * weight))
        clauses.append(TermClause("lead", w, LEAD_BOOST * weight))
    text = needle(leaf.text)
    if len(text) >= 2:
        boost = (1.0 if isinstance(leaf, Phrase) else BIGRAM_BOOST) * weight
        clauses.append(_text_terms("text_bi", bigrams(text), boost))
        for w in words:
            if len(w) > 1 and w != text:
                clauses.append(_text_terms("text_bi", bigrams(w), BIGRAM_BOOST * weight))
    elif text:
        clauses.append(TermClause("text_bi", text, weight))
    if len(words) > 1:
        clauses.append(PhraseClause("text", tuple(words), 1, ADJACENT_BOOST * weight))
    return clauses


def plan(tree: Node | None, words_of: Callable[[str], list[str]]) -> SumClause | None:
    """The clauses scoring the tree's positive leaves (None when nothing is to be scored)."""
    clauses: list[Clause] = []
    all_words: list[str] = []
    scored = units(tree)
    for unit in scored:
        if isinstance(unit, Concept):
            own = leaf_clauses(unit.word, words_of, all_words)
            alts = [leaf_clauses(syn, words_of, [], SYNONYM_WEIGHT) for syn in unit.synonyms]
            clauses.append(BestClause(tuple(SumClause(tuple(c)) for c in [own, *alts] if c), first_wins=bool(own)))
        else:
            clauses += leaf_clauses(unit, words_of, all_words)
    uniq = list(dict.fromkeys(all_words))
    if 1 < len(uniq) <= PROXIMITY_MAX_WORDS and len(scored) > 1:
        clauses.append(PhraseClause("text", tuple(uniq), PROXIMITY_SLOP, PROXIMITY_BOOST))
    return SumClause(tuple(clauses)) if clauses else None
