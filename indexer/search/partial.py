"""Partial matches: when every-word matching finds few paragraphs, the ones that match most of the concepts.

A query's concepts are its top-level ANDed parts: each jieba word of an unquoted chunk (or the chunk's
Concept when the synonyms know the whole chunk), each quoted phrase, each OR group. Filters and NOT
are constraints, not concepts: a partial match still satisfies every one of them. A paragraph is a
partial match when it matches at least half of the concepts (rounded down, at least one) but not all; partial
matches are ranked by how many concepts they match, then by score, always after every full match, and
are neither counted in `total` nor in the facets (engine.search).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.search.compile import Compiler
from indexer.search.query import And, Concept, Filter, Node, Not, Or, Phrase, Words, render

PARTIAL_BELOW = 10  # partial matches are listed only when fewer full matches than this


@dataclass(frozen=True)
class Part:
    """One concept of the query: how it is named to the user, and the paragraphs matching it."""

    label: str
    docs: frozenset[int]


def _label(node: Node) -> str:
    if isinstance(node, Phrase):
        return render(node)
    if isinstance(node, Concept):
        return node.word.text
    return render(node)


def split_query(comp: Compiler, tree: Node | None) -> tuple[list[Node], list[Node]]:
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
        elif isinstance(node, Words):
            words = comp.words(node.text)
            if len(words) > 1:
                concepts.extend(Words(w) for w in words)
            else:
                concepts.append(node)
        elif isinstance(node, (Phrase, Concept, Or)):
            concepts.append(node)
    return concepts, constraints


def partial_groups(comp: Compiler, tree: Node | None, exclude: frozenset[int],
                   allowed: frozenset[int] | None) -> tuple[list[Part], list[tuple[int, frozenset[int]]]]:
    """The query's parts, and the partial matches grouped by how many parts they match (most first).

    Only paragraphs in `allowed` (the facet selection; None: every paragraph), satisfying every
    constraint and not in `exclude` (the full matches) are considered.
    """
    concepts, constraints = split_query(comp, tree)
    if len(concepts) < 2:
        return [], []
    parts = [Part(_label(c), comp.evaluate(c)) for c in concepts]
    # the paragraphs matching some part, not all paragraphs minus the hits (a million-element set per query)
    pool = frozenset().union(*(p.docs for p in parts)) - exclude
    if allowed is not None:
        pool = pool & allowed
    for c in constraints:
        pool = pool & comp.evaluate(c)
    counts: dict[int, int] = {}
    for p in parts:
        for d in p.docs & pool:
            counts[d] = counts.get(d, 0) + 1
    least = max(1, len(parts) // 2)
    by_count: dict[int, set[int]] = {}
    for d, n in counts.items():
        if least <= n < len(parts):
            by_count.setdefault(n, set()).add(d)
    return parts, [(n, frozenset(by_count[n])) for n in sorted(by_count, reverse=True)]


def missing(parts: list[Part], docnum: int) -> list[str]:
    """The labels of the parts a paragraph does not match, in query order."""
    return [p.label for p in parts if docnum not in p.docs]
