"""“Did you mean”: for a query that finds nothing, alternatives from the index that do find something.

Candidates, in this order: the query in the other script (traditional ⇄ simplified, OpenCC); each term
that finds nothing on its own replaced by a similar word or phrase of the build (SuggestData: shares
characters with it and is within a small edit distance, or has the same characters in another order;
most paragraphs first); and, when other terms do find something, the query without the dead term.
Every alternative is evaluated with the same filters, and only those with hits are returned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from indexer.index.store import OpenIndex
from indexer.search.evaluation.context import context
from indexer.search.evaluation.facets import filtered
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sentences import SentenceMatch
from indexer.search.features.suggest import suggest_data
from indexer.search.features.suggest_data import SuggestData, fold
from indexer.search.language.hanzi import to_simplified, to_traditional
from indexer.search.language.query import And, Near, Node, Not, Or, Phrase, Words, parse, positives, render
from indexer.search.language.synonyms import Synonyms
from indexer.search.language.synonyms import expand as expand_tree

MAX_ALTERNATIVES = 3
MAX_TRIES = 12  # alternatives evaluated at most (each costs about one search's hit set)
SIMILAR_PER_TERM = 4
MAX_TERM_CHARS = 24
MAX_DEAD_TERMS = 4  # terms looked at for replacements (a long query's others are kept as typed)


def distance(a: str, b: str) -> int:
    """Levenshtein edit distance between a and b (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def similar(data: SuggestData, term: str, limit: int = SIMILAR_PER_TERM) -> list[str]:
    """Words/phrases of the build like term: 1 edit away (2 from 5 characters), or its characters reordered."""
    key = fold("".join(term.split()))
    if not 2 <= len(key) <= MAX_TERM_CHARS:
        return []
    most = 1 if len(key) <= 4 else 2
    chars = set(key)
    entries, shared = data.sharing(chars)
    near = entries[(shared >= len(chars) - most) & (np.abs(data.key_chars[entries] - len(key)) <= most)]
    found: list[tuple[int, int, int, int]] = []
    for i in near.tolist():
        other = data.key(i)
        if data.text(i) == term:
            continue  # (the same key in the other script is a candidate: distance 0)
        d = 1 if sorted(other) == sorted(key) else distance(key, other)
        if d <= most:
            found.append((d, abs(len(other) - len(key)), int(data.rank[i]), i))  # a typo keeps the length
    return list(dict.fromkeys(data.text(f[-1]) for f in sorted(found)))[:limit]


def _replace(node: Node, old: Node, new: Node | None) -> Node | None:
    """The tree with the leaf `old` (by identity) replaced by new, or removed when new is None."""
    if node is old:
        return new
    if isinstance(node, Not):
        child = _replace(node.child, old, new)
        return Not(child) if child is not None else None
    if isinstance(node, Near):  # a side replaced by a leaf stays NEAR; a side removed leaves the other
        left, right = _replace(node.left, old, new), _replace(node.right, old, new)
        if isinstance(left, (Words, Phrase)) and isinstance(right, (Words, Phrase)):
            return Near(left, right, node.distance)
        return left if right is None else right
    if isinstance(node, (And, Or)):
        kids = tuple(k for k in (_replace(c, old, new) for c in node.children) if k is not None)
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else type(node)(kids)
    return node


def _candidates(q: str, tree: Node, comp: Matcher, data: SuggestData) -> Iterator[str]:
    for other in (to_simplified(q), to_traditional(q)):
        if other != q:
            yield other
    dead = [leaf for leaf in positives(tree)[:MAX_DEAD_TERMS] if not len(comp.evaluate(leaf))]
    for leaf in dead:
        for text in similar(data, leaf.text):
            yield render(_replace(tree, leaf, type(leaf)(text)))  # type: ignore[arg-type]
        for word in comp.words(leaf.text) if isinstance(leaf, Words) else ():
            if len(word) > 1 and not len(comp.term_docs(word)):
                for text in similar(data, word, 1):
                    yield render(_replace(tree, leaf, Words(leaf.text.replace(word, text, 1))))  # type: ignore[arg-type]
    for leaf in dead:
        rest = _replace(tree, leaf, None)
        if rest is not None and positives(rest):
            yield render(rest)


def did_you_mean(open_index: OpenIndex, q: str, chosen: Mapping[str, Sequence[str]],
                 synonyms: Synonyms | None = None, expand: bool = True, *, within: Sequence[str] = (),
                 sentence: bool = False) -> list[dict]:
    """Up to MAX_ALTERNATIVES queries like q that have hits under the same filters: [{"query", "total"}].

    Each alternative is counted as search() would answer it (with the same synonyms and expand, within terms
    and 同句), so the total shown next to a link is the total the link finds.
    """
    tree = parse(q).tree
    if tree is None or not positives(tree):
        return []
    data = suggest_data(open_index)
    out: list[dict] = []
    tried: set[str] = {q}
    with open_index.hold():
        ctx = context(open_index)
        comp = Matcher(ctx)
        extra = [t for t in (expand_tree(parse(w).tree, synonyms if expand else None, comp.words).tree for w in within)
                 if t is not None]
        for alt in _candidates(q, tree, comp, data):
            if alt in tried or not alt.strip():
                continue
            tried.add(alt)
            alt_tree = expand_tree(parse(alt).tree, synonyms if expand else None, comp.words).tree
            alt_tree = And((alt_tree, *extra)) if extra and alt_tree is not None else alt_tree
            found = comp.evaluate(alt_tree)
            if sentence and alt_tree is not None:
                found = SentenceMatch(comp, alt_tree, found).docs
            hits, _selected = filtered(ctx, found, chosen)
            if len(hits):
                out.append({"query": alt, "total": len(hits)})
                if len(out) >= MAX_ALTERNATIVES:
                    break
            if len(tried) > MAX_TRIES:
                break
    return out
