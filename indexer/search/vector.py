"""Query evaluation as array operations: hit sets as sorted int32 docnum arrays, facet counts by bincount.

The same rules as Compiler (indexer/search/compile.py) and facets.count, computed from the build's
posting arrays (indexer/index/arrays.py) instead of Python sets filled posting by posting: AND is a
searchsorted intersection, OR a union, NOT a set difference against all docnums, and each facet is
counted with one bincount over a (docnum, value id) column masked by the hits. What has no array form
yet (positional phrase checks over many candidates, reading stored text) goes through Whoosh exactly as
Compiler does. tests/search/test_vector_differential.py compares both on the bench query mix.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.index.arrays import EMPTY, PostingArrays, docnums
from indexer.index.whoosh_compat import segment_id
from indexer.search.cache import BuildCache
from indexer.search.compile import DIRECT_VERIFY, Compiler, _needle
from indexer.search.facets import FACETS, FacetMaps, finish_counts, parse_year
from indexer.search.query import Filter, Node
from indexer.search.ranking import Block, Norms, Postings, _weights
from indexer.search.vrank import Dense, top_arrays


def _ids(docs: frozenset[int] | set[int]) -> np.ndarray:
    return np.fromiter(sorted(docs), np.int32, len(docs))


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique a ∩ b: each of the smaller array's docnums looked up in the larger (binary search)."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small) or not len(large):
        return EMPTY
    at = np.searchsorted(large, small)
    np.minimum(at, len(large) - 1, out=at)
    return small[large[at] == small]


def minus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique a − b."""
    if not len(a) or not len(b):
        return a
    at = np.searchsorted(b, a)
    np.minimum(at, len(b) - 1, out=at)
    return a[b[at] != a]


def union(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """Sorted unique union: marked in a boolean mask as long as the largest docnum, read back in order
    (O(docnums); np.unique's sort or hash costs ~5 ms for 50k docnums)."""
    got = [a for a in arrays if len(a)]
    if len(got) <= 1:
        return got[0] if got else EMPTY
    return docnums(got)


@dataclass
class FacetColumns:
    """Per build: each facet's values and (docnum, value id) pairs (facet counts by bincount)."""

    size: int
    universe: np.ndarray
    values: dict[str, list] = field(default_factory=dict)
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def of(cls, maps: FacetMaps) -> "FacetColumns":
        """The columns of one build's facet maps (read once per build)."""
        cols = cls(size=maps._size(), universe=maps.universe_ids)
        for facet in FACETS:
            by_value = getattr(maps, facet)
            cols.values[facet] = list(by_value)
            docs = [by_value.array(v) for v in by_value]
            ids = [np.full(len(d), i, np.int32) for i, d in enumerate(docs)]
            cols.pairs[facet] = (np.concatenate(docs) if docs else EMPTY, np.concatenate(ids) if ids else EMPTY)
        return cols

    def value(self, maps: FacetMaps, facet: str, value: object) -> np.ndarray:
        """Docnums carrying one value of a facet (institution, theme, report, year)."""
        return getattr(maps, facet).array(value)  # the maps hold them as arrays already

    def years(self, maps: FacetMaps, first: int, last: int) -> np.ndarray:
        """Docnums covering any year in [first, last] (FacetMaps.years_between)."""
        return union([self.value(maps, "year", y) for y in maps.year if first <= y <= last])

    def mask(self, docs: np.ndarray) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        out[docs] = True
        return out


@dataclass
class BuildArrays:
    """A build's posting arrays and facet columns."""

    postings: PostingArrays
    columns: FacetColumns


def build_arrays(searcher: Searcher, cache: BuildCache) -> BuildArrays | None:
    """The build's arrays (mapped once per build); None when it was built without them."""
    if cache.arrays is None:
        reader = searcher.reader()
        folder = cache.folder
        leaves = [(folder, segment_id(r), base) for r, base in reader.leaf_readers()]
        ok = folder is not None \
            and all(seg is not None and PostingArrays.available(folder, seg) for _, seg, _ in leaves)
        cache.arrays = BuildArrays(PostingArrays(leaves), FacetColumns.of(cache.maps)) if ok else False  # type: ignore[arg-type]
    return cache.arrays or None  # type: ignore[return-value]


class ArrayPostings(Postings):
    """Postings whose blocks come from the posting arrays (one block a term, no Whoosh block decoding)
    for the fields the build has arrays of; the same docnums and float32 weights Whoosh stores."""

    def __init__(self, searcher: Searcher, arrays: PostingArrays) -> None:
        super().__init__(searcher, None)
        self.arrays = arrays
        self.vectors: dict[tuple[str, str], Dense | None] = {}  # this query's BM25F term vectors

    def arrays_of(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's global docnums (int32) and weights (float32), from the arrays or Whoosh's blocks."""
        if fieldname in self.arrays.fields:
            return self.arrays.postings(fieldname, text)
        blocks = self.blocks(fieldname, text)
        ids = [d for block_ids, _, _ in blocks for d in block_ids]
        weights = [w for _, raw, n in blocks for w in _weights(raw, n)]
        return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)

    def top(self, s: Searcher, norms: Norms, scorer: wq.Or, docs: frozenset[int], need: int
            ) -> list[tuple[int, float]] | None:
        """ranking.top with its bounds as array operations (indexer/search/vrank.py)."""
        return top_arrays(s, self, norms, scorer, docs, need, self.vectors)

    def blocks(self, fieldname: str, text: str) -> list[Block]:
        """Posting blocks of fieldname:text (one block) read from the arrays when the build has them."""
        if fieldname not in self.arrays.fields:
            return super().blocks(fieldname, text)
        key = (fieldname, text)
        got = self.memo.get(key)
        if got is None:
            ids, tf = self.arrays.postings(fieldname, text)
            weights = array("f")
            weights.frombytes(tf.tobytes())
            got = self.memo[key] = [(ids.tolist(), weights, len(ids))] if len(ids) else []
        return got

    def has(self, fieldname: str, text: str) -> bool:
        """Array postings are cheap to read: scoring may always replay them instead of decoding Whoosh's."""
        return fieldname in self.arrays.fields or super().has(fieldname, text)


class ArrayCompiler(Compiler):
    """Compiler whose exact hit sets are computed as docnum arrays (same results as Compiler's sets)."""

    def __init__(self, searcher: Searcher, cache: BuildCache, arrays: BuildArrays) -> None:
        super().__init__(searcher, cache)
        self.arrays = arrays.postings
        self.columns = arrays.columns
        self.postings = ArrayPostings(searcher, arrays.postings)
        self.amemo: dict[tuple, np.ndarray] = {}
        # After an incremental change or removal the arrays still hold the deleted paragraphs' postings
        # (as Whoosh's segments do until a merge); every leaf set is cut to the live docnums, as Whoosh's
        # own posting readers skip deleted documents for the reference.
        self.live = arrays.columns.universe if searcher.reader().has_deletions() else None

    def _alive(self, docs: np.ndarray) -> np.ndarray:
        return docs if self.live is None else intersect(docs, self.live)

    def evaluate(self, node: Node | None, whole_words: bool = False) -> frozenset[int]:
        """Compiler.evaluate's set, computed as an array."""
        return frozenset(self.walk(node, whole_words).tolist())

    def term_array(self, word: str) -> np.ndarray:
        key = ("w", word)
        if key not in self.amemo:
            self.amemo[key] = self._alive(union([self.arrays.doc_ids("text", word), self.arrays.doc_ids("section", word)]))
        return self.amemo[key]

    def substring_array(self, needle: str) -> np.ndarray:
        """Compiler.substring_docs as an array."""
        key = ("s", needle)
        if key in self.amemo:
            return self.amemo[key]
        if len(needle) == 1:
            # every occurrence of a character starts a bigram, or ends the text's last one, or is the whole
            # text (a lone character is its own token): the terms starting or ending with it, from the
            # term table (Compiler reads every stored text once per build for the last characters instead)
            found = union([self.arrays.prefix_ids("text_bi", needle), self.arrays.suffix_ids("text_bi", needle)])
        else:
            grams = list(dict.fromkeys(needle[i : i + 2] for i in range(len(needle) - 1)))
            sets = sorted((self.arrays.doc_ids("text_bi", g) for g in grams), key=len)
            candidates = sets[0]
            for other in sets[1:]:
                candidates = intersect(candidates, other)
            if len(needle) == 2:
                found = candidates
            else:
                sure = intersect(candidates, self.arrays.doc_ids("text", needle))
                rest = minus(candidates, sure)
                if len(rest) <= DIRECT_VERIFY:
                    confirmed = [d for d in rest.tolist() if needle in self.text_of(d)]
                    found = union([sure, np.array(confirmed, dtype=np.int32)])
                else:  # positional bigram phrase, as Compiler does (positions have no array form yet)
                    found = _ids(self.docs(wq.Phrase("text_bi", [needle[i : i + 2] for i in range(len(needle) - 1)])))
        found = self.amemo[key] = self._alive(found)
        return found

    def chunk_array(self, text: str, whole_words: bool) -> np.ndarray:
        needle = _needle(text)
        found: np.ndarray | None = None
        for w in self.words(text):
            ds = self.term_array(w)
            if not whole_words and len(w) > 1:
                ds = union([ds, self.substring_array(w)])
            found = ds if found is None else intersect(found, ds)
        found = EMPTY if found is None else found
        if not whole_words and needle:
            found = union([found, self.substring_array(needle)])
        return found

    def evaluate_array(self, node: Node | None, whole_words: bool = False) -> np.ndarray:
        """The sorted docnums matching the tree (Compiler.walk's rules over arrays)."""
        return self.walk(node, whole_words)

    def all_docs(self) -> np.ndarray:  # type: ignore[override]
        return self.columns.universe

    def no_docs(self) -> np.ndarray:  # type: ignore[override]
        return EMPTY

    def chunk(self, text: str, whole_words: bool) -> np.ndarray:  # type: ignore[override]
        return self.chunk_array(text, whole_words)

    def substring(self, needle: str) -> np.ndarray:  # type: ignore[override]
        return self.substring_array(needle)

    def filter_docs(self, node: Filter) -> np.ndarray:  # type: ignore[override]
        cols, maps = self.columns, self.cache.maps
        if node.field == "year":
            return cols.years(maps, *node.year_range())
        return cols.value(maps, node.field, node.value)

    def union(self, parts: list) -> np.ndarray:  # type: ignore[override]
        return union(parts)

    def intersect(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # type: ignore[override]
        return intersect(a, b)

    def minus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # type: ignore[override]
        return minus(a, b)


def selection_array(cols: FacetColumns, maps: FacetMaps, facet: str, values: Sequence[str]) -> np.ndarray | None:
    """facets.selection as an array (None when nothing is selected)."""
    if not values:
        return None
    got = []
    for v in values:
        if facet == "year":
            rng = parse_year(v)
            if rng is not None:
                got.append(cols.years(maps, *rng))
        else:
            got.append(cols.value(maps, facet, v))
    return union(got)


def filtered_array(cols: FacetColumns, maps: FacetMaps, matched: np.ndarray, chosen: Mapping[str, Sequence[str]]
                   ) -> tuple[np.ndarray, dict[str, np.ndarray | None]]:
    """facets.filtered as arrays: the hits and each facet's selection."""
    selected = {f: selection_array(cols, maps, f, tuple(chosen.get(f, ()))) for f in FACETS}
    hits = matched
    for sel in selected.values():
        if sel is not None:
            hits = intersect(hits, sel)
    return hits, selected


def count_array(cols: FacetColumns, maps: FacetMaps, matched: np.ndarray, selected: dict[str, np.ndarray | None],
                chosen: Mapping[str, Sequence[str]]) -> dict[str, dict[str, int]]:
    """facets.count as arrays: per facet one bincount over its (docnum, value id) pairs masked by the hits."""
    out: dict[str, dict[str, int]] = {}
    matched_mask = cols.mask(matched)
    masks = {f: cols.mask(sel) for f, sel in selected.items() if sel is not None}
    for facet in FACETS:
        base = matched_mask
        for f, m in masks.items():
            if f != facet:
                base = base & m
        docs, ids = cols.pairs[facet]
        values = cols.values[facet]
        n = np.bincount(ids[base[docs]], minlength=len(values)) if len(matched) else np.zeros(len(values), np.int64)
        counts = {str(values[i]): int(n[i]) for i in np.flatnonzero(n).tolist()}
        out[facet] = finish_counts(maps, facet, counts, chosen)
    return out
