"""Issue 17's oracle: what search(), ranked(), get_report(), trends and suggestions must answer, computed from
a reference index written by Whoosh's stock writer and read only through Whoosh's own searcher.

Modules: oracle_build.py writes the reference index (Whoosh's stock writer) beside our build of a corpus;
oracle_eval.py holds the evaluation rules; oracle_compare.py compares the engine's answers with these.
- Oracle(folder, report_ids): report_ids are the corpus order (build.json's report list); it answers
  search(q, …) → Answer (every page at once: Answer.page(page, per_page) → the rows search() shows),
  total(q, …) → int, ranked(q, limit, …) → list[Row], report_hits(report_id, q, …) → sorted positions,
  trend(term, …) → Trend, doc_frequency(word) → Whoosh's doc_frequency in `text` (deleted paragraphs
  included until a merge, as Whoosh counts them). Keyword arguments are search()'s: institutions, years,
  themes (multi-select), synonyms, expand.
Rules encoded where the product's behaviour is a documented rule rather than plain evaluation:
- unscored hits (the scoring query does not match them, or there is none) follow the scored ones of
  their tier in corpus order: report by report as report_ids lists them, then by position;
- a facet value selected by the user stays visible with count 0 when the build knows it: "knows" is
  Whoosh's term dictionary of the facet field, which keeps a removed report's values until a merge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import whoosh.index

from indexer.limits import YearError, parse_year_span
from indexer.search.language.query import parse
from indexer.search.language.synonyms import Synonyms
from indexer.search.language.synonyms import expand as expand_tree
from tests.helpers.oracle_eval import Evaluator, label

PARTIAL_BELOW = 10  # partial matches are listed after fewer full matches than this (indexer/search/partial.py)
FACETS = ("institution", "year", "theme")


@dataclass(frozen=True)
class Row:
    """One ranked hit: the paragraph id, Whoosh's score (0.0 unscored), its tie class, and for a partial
    match the labels of the concepts it lacks.

    cls: ("full", tier, "scored") | ("partial", concepts matched, "scored") for scored rows — rows of one
    class are ordered by score, any order among equal scores; unscored rows end with ("corpus", rank):
    their place is exact.
    """

    id: str
    score: float
    cls: tuple
    missing: tuple[str, ...] = ()

    @property
    def scored(self) -> bool:
        """True when the row is placed by its score (not by corpus order)."""
        return self.cls[-1] == "scored"


@dataclass
class Answer:
    """The oracle's answer to one search: full hits, facets, the whole ranking and the partial matches."""

    query: str
    total: int
    ids: frozenset[str]  # the full matches (what total counts)
    facets: dict[str, dict[str, int]]
    expanded: dict[str, list[str]]
    full: list[Row]  # every full match, in rank order
    partial: list[Row]  # every partial match, in rank order; search() lists the first `listed`
    listed: int
    rows: dict[str, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = {r.id: r for r in [*self.full, *self.partial]}

    def page(self, page: int, per_page: int) -> list[Row]:
        """The rows search(page=, per_page=) shows: full matches, then listed partial matches after the last."""
        offset = (page - 1) * per_page
        full = self.full[offset : offset + per_page]
        skip = max(0, offset - self.total)
        return full + self.partial[: self.listed][skip : skip + per_page - len(full)]


@dataclass
class Trend:
    """One trend term under institution/theme filters: its hits' counts per year, the per-year denominators
    (paragraphs covering the year under the filters, years with none left out), the institution × year grid
    and each matching institution's spread (first year it matches, paragraphs), in the trends' order."""

    total: int
    by_year: dict[int, int]
    paragraphs: dict[int, int]
    grid: dict[str, dict[str, int]]
    spread: list[tuple[str, int, int]]  # (institution, first year, paragraphs): first year, then more paragraphs, then name


class Oracle:
    """Answers over one reference index (see the module docstring); close() it, or use it as a context manager."""

    def __init__(self, folder: Path, report_ids: Sequence[str]) -> None:
        self.index = whoosh.index.open_dir(str(folder), readonly=True)
        self.searcher = self.index.searcher()
        self.ev = Evaluator(self.searcher)
        order = {rid: n for n, rid in enumerate(report_ids)}
        ranked = sorted(self.ev.docs.values(), key=lambda d: (order.get(d.report, len(order)), d.position, d.docnum))
        self.corpus_rank = {d.docnum: n for n, d in enumerate(ranked)}
        reader = self.searcher.reader()
        self.known = {f: {t.decode("utf-8") for t in reader.lexicon(name)} for f, name in
                      (("institution", "institution"), ("theme", "theme"), ("year", "years"))}

    def close(self) -> None:
        """Close the reference searcher."""
        self.searcher.close()

    def __enter__(self) -> Oracle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ search

    def search(self, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (), themes: Sequence[str] = (),
               synonyms: Synonyms | None = None, expand: bool = True) -> Answer:
        """What search(store, q, …) must find, for every page at once."""
        ev = self.ev
        parsed = parse(q if isinstance(q, str) else "")
        expansion = expand_tree(parsed.tree, synonyms if expand else None, ev.words)
        tree = expansion.tree
        chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
        selected = {f: self.selection(f, chosen[f]) for f in FACETS}
        matched = ev.evaluate(tree)
        hits = matched
        for sel in selected.values():
            hits = hits if sel is None else hits & sel
        scores = ev.scores(tree)
        # tier 1: the user's own words whole, ranked by the unexpanded query; tier 2: substring- and synonym-only
        # matches, by the expanded one; when the synonyms added words, the own words whole only through the
        # section heading make tier 3 (indexer/search/listing.py)
        own = ev.scores(parsed.tree) if expansion.added else scores
        if scores is None:
            full = self._rank(hits, own, ("full", 1))
        else:
            whole = hits & ev.evaluate(tree, whole_words=True)
            first = whole & ev.evaluate(tree, whole_words=True, headings=False) if expansion.added else whole
            full = (self._rank(first, own, ("full", 1)) + self._rank(hits - whole, scores, ("full", 2))
                    + self._rank(whole - first, own, ("full", 3)))
        partial = self._partial(tree, hits, selected, scores) if len(hits) < PARTIAL_BELOW else []
        return Answer(q, len(hits), frozenset(self.ev.docs[d].id for d in hits), self._facets(matched, selected, chosen),
                      expansion.added, full, partial, min(len(partial), max(0, PARTIAL_BELOW - len(hits))))

    def ranked(self, q: str, limit: int, **kwargs: object) -> list[Row]:
        """What ranked(store, q, limit=…) must list: the first `limit` full matches."""
        return self.search(q, **kwargs).full[:limit]  # type: ignore[arg-type]

    def total(self, q: str, **kwargs: object) -> int:
        """search(q, …)'s total."""
        return self.search(q, **kwargs).total  # type: ignore[arg-type]

    def report_hits(self, report_id: str, q: str, **kwargs: object) -> list[int]:
        """What get_report(store, report_id, q=…)["hits"] must be: positions of the report's matching paragraphs."""
        if parse(q if isinstance(q, str) else "").tree is None:
            return []
        ids = self.search(q, **kwargs).ids  # type: ignore[arg-type]
        return sorted(d.position for d in self.ev.docs.values() if d.report == report_id and d.id in ids)

    def doc_frequency(self, word: str) -> int:
        """Whoosh's document frequency of word in `text` (a suggestion's paragraph count)."""
        return self.searcher.doc_frequency("text", word)

    def trend(self, term: str, *, institutions: Sequence[str] = (), themes: Sequence[str] = (),
              synonyms: Synonyms | None = None, expand: bool = True) -> Trend:
        """What trends() must count for one term: its hits under the filters, per year and per institution."""
        allowed = self.ev.universe
        for facet, values in (("institution", institutions), ("theme", themes)):
            sel = self.selection(facet, tuple(values))
            allowed = allowed if sel is None else allowed & sel
        tree = expand_tree(parse(term).tree, synonyms if expand else None, self.ev.words).tree
        hits = self.ev.evaluate(tree) & allowed
        denominators = Counter(y for d in allowed for y in self.ev.docs[d].years)
        by_year = Counter(y for d in hits for y in self.ev.docs[d].years)
        grid: dict[str, dict[str, int]] = {}
        first: dict[str, int] = {}
        for d in hits:
            doc = self.ev.docs[d]
            row = grid.setdefault(doc.institution, {})
            for y in doc.years:
                row[str(y)] = row.get(str(y), 0) + 1
                first[doc.institution] = min(y, first.get(doc.institution, y))
        count = Counter(self.ev.docs[d].institution for d in hits)
        spread = sorted(((i, first[i], n) for i, n in count.items()), key=lambda s: (s[1], -s[2], s[0]))
        years = sorted(y for y, n in denominators.items() if n)
        return Trend(len(hits), {y: by_year[y] for y in years}, {y: denominators[y] for y in years}, grid, spread)

    # ------------------------------------------------------------------ parts

    def selection(self, facet: str, values: Sequence[str]) -> frozenset[int] | None:
        """Paragraphs with any of the selected values of one facet (None: nothing selected)."""
        if not values:
            return None
        docs = self.ev.docs.values()
        out: set[int] = set()
        for v in values:
            if facet == "year":
                try:
                    first, last = parse_year_span(v, ordered=False)
                except YearError:
                    continue
                out.update(d.docnum for d in docs if any(first <= y <= last for y in d.years))
            else:
                out.update(d.docnum for d in docs if getattr(d, facet) == v)
        return frozenset(out)

    def _facets(self, matched: frozenset[int], selected: dict[str, frozenset[int] | None],
                chosen: dict[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
        """Counts per value over all matches, each facet under the other facets' selections only."""
        out: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            base = matched
            for f, sel in selected.items():
                if f != facet and sel is not None:
                    base = base & sel
            counts: Counter[str] = Counter()
            for d in base:
                doc = self.ev.docs[d]
                counts.update([str(y) for y in doc.years] if facet == "year" else [getattr(doc, facet)])
            shown = dict(counts)
            for v in chosen[facet]:  # a selected value stays visible (count 0) so it can be unticked
                if facet != "year":
                    if v in self.known[facet]:
                        shown.setdefault(v, 0)
                    continue
                try:
                    first, last = parse_year_span(v, ordered=False)
                except YearError:
                    continue
                if first == last and any(first <= int(y) <= last for y in self.known["year"] if y.isdigit()):
                    shown.setdefault(str(first), 0)
            out[facet] = (dict(sorted(shown.items())) if facet == "year"
                          else dict(sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))))
        return out

    def _rank(self, docs: frozenset[int], scores: dict[int, float] | None, cls: tuple,
              missing: dict[int, tuple[str, ...]] | None = None) -> list[Row]:
        """docs by score (descending; docnum among equal scores), then the unscored ones in corpus order."""
        scores = scores or {}
        scored = sorted((d for d in docs if d in scores), key=lambda d: (-scores[d], d))
        rest = sorted((d for d in docs if d not in scores), key=self.corpus_rank.__getitem__)
        gaps = missing or {}
        return ([Row(self.ev.docs[d].id, scores[d], (*cls, "scored"), gaps.get(d, ())) for d in scored]
                + [Row(self.ev.docs[d].id, 0.0, (*cls, "corpus", self.corpus_rank[d]), gaps.get(d, ())) for d in rest])

    def _partial(self, tree, hits: frozenset[int], selected: dict[str, frozenset[int] | None],
                 scores: dict[int, float] | None) -> list[Row]:
        """Paragraphs matching at least half the concepts (at least one) but not all, and every constraint."""
        concepts, constraints = self.ev.split_query(tree)
        if len(concepts) < 2:
            return []
        parts = [(label(c), self.ev.evaluate(c)) for c in concepts]
        pool = frozenset().union(*(docs for _, docs in parts)) - hits
        for sel in selected.values():
            pool = pool if sel is None else pool & sel
        for c in constraints:
            pool = pool & self.ev.evaluate(c)
        least = max(1, len(parts) // 2)
        groups: dict[int, set[int]] = {}
        missing: dict[int, tuple[str, ...]] = {}
        for d in pool:
            n = sum(d in docs for _, docs in parts)
            if least <= n < len(parts):
                groups.setdefault(n, set()).add(d)
                missing[d] = tuple(name for name, docs in parts if d not in docs)
        rows: list[Row] = []
        for n in sorted(groups, reverse=True):  # most concepts first, by score within a group
            rows += self._rank(frozenset(groups[n]), scores, ("partial", n), missing)
        return rows
