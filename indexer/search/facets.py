"""Facet data per build: which paragraphs carry each institution / theme / year, and multi-select counting.

The maps are read once per open build from the ID fields' posting lists (no stored fields, no
`groupedby`) and cached on the OpenIndex, so counting facets over all hits is a few set intersections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from whoosh.searching import Searcher

from indexer.limits import YearError, parse_year_span

_ASCII01 = bytes.maketrans(b"\x00\x01", b"01")
FACETS = ("institution", "year", "theme")
FACET_LABELS = {"institution": "机构", "year": "年份", "theme": "主题"}  # what users read (web, CLI, messages)


@dataclass
class FacetMaps:
    """Per build: every paragraph (docnum) set by facet value, the live docnums, and corpus order."""

    institution: dict[str, frozenset[int]]
    theme: dict[str, frozenset[int]]
    year: dict[int, frozenset[int]]
    universe: frozenset[int]
    report: dict[str, frozenset[int]] = field(default_factory=dict)
    masks: dict[str, dict] = field(default_factory=dict)  # facet → value → bitset (see to_bits), built lazily

    def to_bits(self, docs: Iterable[int]) -> int:
        """docs as a bitset: an int with bit (size-1-d) set for each docnum d.

        Built at C speed: one byte per docnum, translated to ASCII '0'/'1' and parsed as base 2; counting
        a facet value over all hits is then one `&` and one `bit_count()`.
        """
        size = self._size()
        flags = bytearray(size)
        for d in docs:
            flags[d] = 1
        return int(flags.translate(_ASCII01), 2) if size else 0

    def _size(self) -> int:
        return max(self.universe) + 1 if self.universe else 0

    def value_masks(self, facet: str) -> dict:
        """Bitsets of every value of one facet, built once per build."""
        got = self.masks.get(facet)
        if got is None:
            got = self.masks[facet] = {v: self.to_bits(docs) for v, docs in getattr(self, facet).items()}
        return got

    def years_between(self, first: int, last: int) -> frozenset[int]:
        """Paragraphs covering any year in [first, last]."""
        out: set[int] = set()
        for y, docs in self.year.items():
            if first <= y <= last:
                out |= docs
        return frozenset(out)


def _postings(searcher: Searcher, fieldname: str) -> dict[str, frozenset[int]]:
    reader = searcher.reader()
    out: dict[str, frozenset[int]] = {}
    if fieldname not in reader.indexed_field_names():
        return out
    for term in reader.lexicon(fieldname):
        value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        ids = reader.postings(fieldname, term).all_ids()
        out[value] = frozenset(d for d in ids if not reader.is_deleted(d)) if reader.has_deletions() else frozenset(ids)
    return out


def load_maps(searcher: Searcher) -> FacetMaps:
    """Read the facet maps of one build from its posting lists."""
    reader = searcher.reader()
    years: dict[int, frozenset[int]] = {}
    for value, docs in _postings(searcher, "years").items():
        if value.isdigit():
            years[int(value)] = docs
    return FacetMaps(
        institution=_postings(searcher, "institution"),
        theme=_postings(searcher, "theme"),
        year=dict(sorted(years.items())),
        universe=frozenset(reader.all_doc_ids()),
        report=_postings(searcher, "report"),
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
