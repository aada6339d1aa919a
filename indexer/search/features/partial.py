"""Partial matches: when every-word matching finds few paragraphs, the ones that match most of the concepts.

A query's concepts are its top-level ANDed parts: each jieba word of an unquoted chunk (or the chunk's Concept
when the synonyms know the whole chunk; when its words are expanded as well, each word OR the whole chunk's
terms, named by the word), each quoted phrase, each OR group. Filters and NOT are constraints, not concepts: a
partial match still satisfies every one of them. A paragraph is a partial match when it matches at least half
of the concepts (rounded down, at least one) but not all; partial matches are ranked by how many concepts they
match, then by score, always after every full match, and are neither counted in `total` nor in the facets
(engine.search).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sets import intersect, members, minus, union
from indexer.search.language.query import And, Concept, Filter, Near, Node, Not, Or, Phrase, Widened, Words, render

PARTIAL_BELOW = 10  # partial matches are listed only when fewer full matches than this


@dataclass(frozen=True, eq=False)
class Part:
    """One concept of the query: how it is named to the user, and the paragraphs matching it (sorted)."""

    label: str
    docs: np.ndarray


def _label(node: Node) -> str:
    if isinstance(node, Phrase):
        return render(node)
    if isinstance(node, Concept):
        return node.word.text
    return render(node)


def split_query(comp: Matcher, tree: Node | None) -> tuple[list[Node], list[Node]]:
    """(concepts, constraints) of the tree's top level (see the module docstring)."""
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
        elif isinstance(node, Widened):  # a chunk keyed whole as well: each word (or the whole chunk's terms)
            whole, split = node.children
            assert isinstance(split, And)
            concepts.extend(Widened((c, whole)) for c in split.children)
        elif isinstance(node, Words):
            words = comp.words(node.text)
            if len(words) > 1:
                concepts.extend(Words(w) for w in words)
            else:
                concepts.append(node)
        elif isinstance(node, (Phrase, Concept, Or, Near)):
            concepts.append(node)
    return concepts, constraints


def partial_groups(comp: Matcher, tree: Node | None, exclude: np.ndarray,
                   allowed: np.ndarray | None) -> tuple[list[Part], list[tuple[int, np.ndarray]]]:
    """The query's parts, and the partial matches grouped by how many parts they match (most first).

    Only paragraphs in `allowed` (the facet selection; None: every paragraph), satisfying every
    constraint and not in `exclude` (the full matches) are considered.
    """
    concepts, constraints = split_query(comp, tree)
    if len(concepts) < 2:
        return [], []
    parts = [Part(_label(c), comp.evaluate(c)) for c in concepts]
    # the paragraphs matching some part, not all paragraphs minus the hits
    pool = minus(union([p.docs for p in parts], comp.ctx.size), exclude)
    if allowed is not None:
        pool = intersect(pool, allowed)
    for c in constraints:
        pool = intersect(pool, comp.evaluate(c))
    counts = np.zeros(len(pool), dtype=np.int32)
    for p in parts:
        counts += members(pool, p.docs)
    least = max(1, len(parts) // 2)
    groups = [(n, pool[counts == n]) for n in range(len(parts) - 1, least - 1, -1)]
    return parts, [(n, docs) for n, docs in groups if len(docs)]


def missing(parts: list[Part], docnum: int) -> list[str]:
    """The labels of the parts a paragraph does not match, in query order."""
    probe = np.array([docnum], dtype=np.intp)
    return [p.label for p in parts if not members(probe, p.docs)[0]]
