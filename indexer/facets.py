"""Facet data per build: which paragraphs carry each institution / theme / year, and multi-select counting.

The maps are read once per open build from the ID fields' posting lists (no stored fields, no
`groupedby`) and cached on the OpenIndex, so counting facets over all hits is a few set intersections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from whoosh.searching import Searcher

YEAR_VALUE = re.compile(r"^\s*(\d{4})\s*(?:[-–—~～至]\s*(\d{4})\s*)?$")
FACETS = ("institution", "year", "theme")


@dataclass
class FacetMaps:
    """Per build: every paragraph (docnum) set by facet value, the live docnums, and corpus order."""

    institution: dict[str, frozenset[int]]
    theme: dict[str, frozenset[int]]
    year: dict[int, frozenset[int]]
    universe: frozenset[int]
    report: dict[str, frozenset[int]] = field(default_factory=dict)

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
    """'2019' → (2019, 2019); '2017-2021' → (2017, 2021); anything else → None."""
    m = YEAR_VALUE.match(value) if isinstance(value, str) else None
    if not m:
        return None
    a = int(m.group(1))
    b = int(m.group(2) or a)
    return (min(a, b), max(a, b))


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


def _intersect(base: frozenset[int] | set[int], sets: Iterable[frozenset[int] | None]) -> frozenset[int] | set[int]:
    out = base
    for s in sets:
        if s is not None:
            out = out & s
    return out


def count(maps: FacetMaps, matched: frozenset[int] | set[int], selected: dict[str, frozenset[int] | None],
          chosen: dict[str, Sequence[str]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over all matched paragraphs, each facet with the other facets' filters only."""
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        base = _intersect(matched, (selected[f] for f in FACETS if f != facet))
        values: dict = getattr(maps, facet)
        counts: dict[str, int] = {}
        if base:
            for value, docs in values.items():
                n = len(base & docs) if len(base) < len(docs) else len(docs & base)
                if n:
                    counts[str(value)] = n
        for v in chosen.get(facet, ()):  # keep a selected value visible (count 0) so it can be unticked
            if facet == "year":
                rng = parse_year(v)
                known = rng is not None and any(rng[0] <= y <= rng[1] for y in values)
                if known and rng is not None and rng[0] == rng[1]:
                    counts.setdefault(str(rng[0]), 0)
            elif v in values:
                counts.setdefault(v, 0)
        if facet == "year":
            out[facet] = {k: counts[k] for k in sorted(counts)}
        else:
            out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
