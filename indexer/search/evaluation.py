"""How search() computes a query's hit set and facet counts: Python sets (the reference) or arrays.

ARRAYS (the default) uses the build's posting arrays (indexer/search/vector.py) and falls back to SETS
for a build written without them. SETS is kept callable so the differential test and the benchmark can
compare both on the same build (tests/search/test_vector_differential.py, bench/run.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from whoosh.searching import Searcher

from indexer.search.cache import BuildCache
from indexer.search.compile import Compiler
from indexer.search.facets import count, filtered
from indexer.search.query import Node
from indexer.search.vector import ArrayCompiler, build_arrays, count_array, filtered_array

Chosen = Mapping[str, Sequence[str]]


class Evaluation:
    """The reference: hit sets are Python sets filled from Whoosh's posting lists, facets bitsets."""

    name = "sets"

    def compiler(self, searcher: Searcher, cache: BuildCache) -> Compiler:
        """The query compiler for one request."""
        return Compiler(searcher, cache)

    def hits(self, comp: Compiler, tree: Node | None, chosen: Chosen, facets: bool = True
             ) -> tuple[frozenset[int], dict[str, dict[str, int]]]:
        """The hits (matched and within the chosen facet values) and the facet counts ({} unless facets)."""
        maps = comp.cache.maps
        if isinstance(comp, ArrayCompiler):
            cols = comp.columns
            matched = comp.evaluate_array(tree)
            found, selected = filtered_array(cols, maps, matched, chosen)
            counts = count_array(cols, maps, matched, selected, chosen) if facets else {}
            return frozenset(found.tolist()), counts
        matched_set = comp.evaluate(tree)
        hits_set, selected_sets = filtered(maps, matched_set, chosen)
        return hits_set, count(maps, matched_set, selected_sets, dict(chosen)) if facets else {}


class ArrayEvaluation(Evaluation):
    """Hit sets and facet counts as array operations over the build's posting arrays."""

    name = "arrays"

    def compiler(self, searcher: Searcher, cache: BuildCache) -> Compiler:
        """An ArrayCompiler when the build has posting arrays, else the reference Compiler."""
        arrays = build_arrays(searcher, cache)
        return ArrayCompiler(searcher, cache, arrays) if arrays is not None else Compiler(searcher, cache)


SETS = Evaluation()
ARRAYS = ArrayEvaluation()
