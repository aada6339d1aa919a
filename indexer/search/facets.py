"""Facet data per build: which paragraphs carry each institution / theme / year, and multi-select counting.

The maps are read once per open build from the ID fields' posting lists (no stored fields, no
`groupedby`) and cached on the OpenIndex, so counting facets over all hits is a few set intersections.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Generic, Iterable, Mapping, Sequence, TypeVar

import numpy as np
from whoosh.searching import Searcher

from indexer.index.arrays import EMPTY
from indexer.index.whoosh_compat import posting_blocks
from indexer.limits import YearError, parse_year_span

_ASCII01 = bytes.maketrans(b"\x00\x01", b"01")
FACETS = ("institution", "year", "theme")
FACET_LABELS = {"institution": "机构", "year": "年份", "theme": "主题"}  # what users read (web, CLI, messages)


K = TypeVar("K", bound=Hashable)


class DocSets(Mapping[K, frozenset[int]], Generic[K]):
    """value → the docnums carrying it, held as sorted int32 arrays; a value's frozenset is made on first use.

    Why arrays: the array evaluation (indexer/search/vector.py) reads them as they are, and a million
    paragraphs as Python sets cost ~60 bytes a docnum per facet in every server process; only the
    reference evaluation and trends ask for sets.
    """

    def __init__(self, arrays: dict[K, np.ndarray]) -> None:
        self._arrays = arrays
        self._sets: dict[K, frozenset[int]] = {}

    def __getitem__(self, key: K) -> frozenset[int]:
        got = self._sets.get(key)
        if got is None:
            got = self._sets[key] = frozenset(self._arrays[key].tolist())  # KeyError for an unknown value
        return got

    def __iter__(self) -> Iterator[K]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __contains__(self, key: object) -> bool:
        return key in self._arrays

    def array(self, key: K) -> np.ndarray:
        """The value's docnums, sorted (empty for an unknown value)."""
        return self._arrays.get(key, EMPTY)

    def size(self, key: K) -> int:
        """How many paragraphs carry the value."""
        return len(self._arrays.get(key, EMPTY))


@dataclass(eq=False)  # arrays inside: compare by identity
class FacetMaps:
    """Per build: every paragraph (docnum) by facet value, the live docnums, and corpus order."""

    institution: DocSets[str]
    theme: DocSets[str]
    year: DocSets[int]
    universe_ids: np.ndarray  # the live docnums, sorted
    report: DocSets[str] = field(default_factory=lambda: DocSets({}))
    masks: dict[str, dict] = field(default_factory=dict)  # facet → value → bitset (see to_bits), built lazily
    _universe: frozenset[int] | None = None

    @property
    def universe(self) -> frozenset[int]:
        """The live docnums as a set (built on first use: the reference evaluation's NOT and filters)."""
        if self._universe is None:
            self._universe = frozenset(self.universe_ids.tolist())
        return self._universe

    def to_bits(self, docs: Iterable[int] | np.ndarray) -> int:
        """docs as a bitset: an int with bit (size-1-d) set for each docnum d.

        Built at C speed: one byte per docnum, translated to ASCII '0'/'1' and parsed as base 2; counting
        a facet value over all hits is then one `&` and one `bit_count()`.
        """
        size = self._size()
        if not size:
            return 0
        flags = np.zeros(size, dtype=np.uint8)
        flags[docs if isinstance(docs, np.ndarray) else np.fromiter(docs, np.int64)] = 1
        return int(flags.tobytes().translate(_ASCII01), 2)

    def _size(self) -> int:
        return int(self.universe_ids[-1]) + 1 if len(self.universe_ids) else 0

    def value_masks(self, facet: str) -> dict:
        """Bitsets of every value of one facet, built once per build."""
        got = self.masks.get(facet)
        if got is None:
            values: DocSets = getattr(self, facet)
            got = self.masks[facet] = {v: self.to_bits(values.array(v)) for v in values}  # no sets made
        return got

    def years_between(self, first: int, last: int) -> frozenset[int]:
        """Paragraphs covering any year in [first, last]."""
        out: set[int] = set()
        for y in self.year:
            if first <= y <= last:
                out.update(self.year.array(y).tolist())  # only the years in range, and no set kept per year
        return frozenset(out)


def _postings(searcher: Searcher, fieldname: str, alive: np.ndarray | None) -> dict[str, np.ndarray]:
    """value → sorted docnums of one ID field, read a posting block at a time from each segment.

    Block by block (one array of ids per 128 postings) rather than Whoosh's all_ids(), which steps
    through every posting in Python: at a million paragraphs that is millions of calls per facet,
    seconds of a server's first response. alive: a mask of live docnums when the build has deletions.
    """
    reader = searcher.reader()
    parts: dict[str, list[np.ndarray]] = {}
    if fieldname not in reader.indexed_field_names():
        return {}
    for leaf, base in reader.leaf_readers():  # in docnum order, so each value's docnums come out sorted
        if fieldname not in leaf.indexed_field_names():
            continue
        for term in leaf.lexicon(fieldname):
            value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            got = parts.setdefault(value, [])
            for ids, _, n in posting_blocks(leaf.postings(fieldname, term)):
                got.append(np.asarray(ids[:n], dtype=np.int32) + np.int32(base))
    out = {v: np.concatenate(a) if len(a) > 1 else a[0] for v, a in parts.items() if a}
    if alive is not None:
        out = {v: a[alive[a]] for v, a in out.items()}
    return out


def load_maps(searcher: Searcher) -> FacetMaps:
    """Read the facet maps of one build from its posting lists."""
    reader = searcher.reader()
    alive = None
    if reader.has_deletions():  # all_doc_ids() asks is_deleted() per docnum: only when there are deletions
        universe = np.fromiter(reader.all_doc_ids(), np.int32)
        alive = np.zeros(reader.doc_count_all(), dtype=bool)
        alive[universe] = True
    else:
        universe = np.arange(reader.doc_count_all(), dtype=np.int32)
    years = {int(v): docs for v, docs in _postings(searcher, "years", alive).items() if v.isdigit()}
    return FacetMaps(
        institution=DocSets(_postings(searcher, "institution", alive)),
        theme=DocSets(_postings(searcher, "theme", alive)),
        year=DocSets(dict(sorted(years.items()))),
        universe_ids=universe,
        report=DocSets(_postings(searcher, "report", alive)),
    )


def parse_year(value: str) -> tuple[int, int] | None:
    """'2019' → (2019, 2019); '2017-2021' → (2017, 2021); anything else → None (see indexer.limits)."""
    try:
        return parse_year_span(value, ordered=False)
    except YearError:
        return None


def selection(maps: FacetMaps, facet: str, values: Sequence[str]) -> frozenset[int] | None:
    """Paragraphs matching any selected value of one facet (None when nothing is selected)."""
    if not values:
        return None
    out: set[int] = set()
    for v in values:
        if facet == "year":
            rng = parse_year(v)
            if rng is not None:
                out |= maps.years_between(*rng)
        else:
            out |= getattr(maps, facet).get(v, frozenset())
    return frozenset(out)


def filtered(maps: FacetMaps, matched: frozenset[int], chosen: Mapping[str, Sequence[str]]
             ) -> tuple[frozenset[int], dict[str, frozenset[int] | None]]:
    """The hits: matched paragraphs within every facet's selection (any value within a facet), and the selections."""
    selected = {f: selection(maps, f, tuple(chosen.get(f, ()))) for f in FACETS}
    hits = frozenset(matched)
    for f in FACETS:
        if selected[f] is not None:
            hits = hits & selected[f]  # type: ignore[operator]
    return hits, selected


def count(maps: FacetMaps, matched: frozenset[int] | set[int], selected: dict[str, frozenset[int] | None],
          chosen: dict[str, Sequence[str]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over all matched paragraphs, each facet with the other facets' filters only."""
    out: dict[str, dict[str, int]] = {}
    matched_bits = maps.to_bits(matched) if matched else 0
    selected_bits = {f: maps.to_bits(sel) for f, sel in selected.items() if sel is not None}
    for facet in FACETS:
        base = matched_bits
        for f, bits in selected_bits.items():
            if f != facet:
                base &= bits
        counts: dict[str, int] = {}
        if base:
            for value, mask in maps.value_masks(facet).items():
                n = (base & mask).bit_count()
                if n:
                    counts[str(value)] = n
        out[facet] = finish_counts(maps, facet, counts, chosen)
    return out


def finish_counts(maps: FacetMaps, facet: str, counts: dict[str, int], chosen: Mapping[str, Sequence[str]]
                  ) -> dict[str, int]:
    """One facet's counts as shown: selected values kept visible (count 0), years in order, others by count."""
    values: dict = getattr(maps, facet)
    for v in chosen.get(facet, ()):  # keep a selected value visible (count 0) so it can be unticked
        if facet == "year":
            rng = parse_year(v)
            known = rng is not None and any(rng[0] <= y <= rng[1] for y in values)
            if known and rng is not None and rng[0] == rng[1]:
                counts.setdefault(str(rng[0]), 0)
        elif v in values:
            counts.setdefault(v, 0)
    if facet == "year":
        return {k: counts[k] for k in sorted(counts)}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
