"""Searching one build: query tree → exact hit set → facets → ranked page with highlighted snippets.

How a query matches (see indexer/search/query.py for the syntax):
- an unquoted chunk is cut into words by the index's word analyzer; a paragraph matches when every word
  matches, as a jieba word (field `text`, or its section heading) or as a substring (bigram phrase on `text_bi`), or when the
  whole chunk occurs as a substring. So any chunk of 2+ characters that occurs in a paragraph finds it;
- a quoted phrase matches exactly the paragraphs whose text, whitespace removed and full-width folded,
  contains it (bigram phrase on `text_bi`, then verified against the stored text);
- a one-character term or phrase is looked up through the bigrams that start with that character, plus
  the paragraphs whose last character it is (Ctrl-F exact as well).
Hit sets are plain Python sets of docnums, so boolean operators, facet counts over all hits and the
multi-select rule are set algebra. Ranking is Whoosh BM25F over text, section and lead (boosted), with
bigram and proximity clauses, in two tiers: paragraphs matching every chunk as whole words come first,
substring-only matches after them.
"""

from __future__ import annotations

from typing import Callable, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.index.schema import from_stored
from indexer.index.store import OpenIndex, Store, pinned
from indexer.model import Paragraph
from indexer.limits import MAX_PER_PAGE, SearchArgumentError, check_filter_values, parse_year_span
from indexer.search.cache import BuildCache, corpus_order, searching
from indexer.search.compile import Compiler
from indexer.search.facets import FACET_LABELS, FACETS, FacetMaps, count, selection
from indexer.search.query import ParsedQuery, parse
from indexer.search.ranking import Norms, Postings, top
from indexer.search.snippets import build_snippet, highlight


REPORT_PARAGRAPH_KEYS = ("id", "position", "section", "theme", "institution", "text")  # + "html" (CONTRACTS.md)


# ---------------------------------------------------------------- public API


def _check_args(page: object, per_page: object, institutions: object, years: object, themes: object) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise SearchArgumentError(f"页码必须是不小于 1 的整数（收到 {page!r}）")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchArgumentError(f"每页条数必须在 1 到 {MAX_PER_PAGE} 之间（收到 {per_page!r}）")
    for facet, values in zip(FACETS, (institutions, years, themes)):
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):  # type: ignore[union-attr]
            raise SearchArgumentError(f"{FACET_LABELS[facet]}筛选值必须是文本列表")
        check_filter_values(FACET_LABELS[facet], values)  # type: ignore[arg-type]
    for y in years:  # type: ignore[union-attr]
        parse_year_span(y)  # YearError is a SearchArgumentError


def _hit(stored: dict, score: float, snippet: str) -> dict:
    return from_stored(stored).to_dict() | {"snippet": snippet, "score": round(float(score), 4)}


def _ranked(s: Searcher, postings: Postings, norms: Norms, scorer: wq.Query | None, docs: frozenset[int], offset: int,
            count_: int, order: Callable[[], dict[int, int]]) -> list[tuple[int, float]]:
    """docs[offset:offset+count] by BM25F (unscored ones after, in corpus order)."""
    if count_ <= 0 or offset >= len(docs):
        return []
    need = offset + count_
    if isinstance(scorer, wq.Or):
        fast = top(s, postings, norms, scorer, docs, need)
        if fast is not None:
            if len(fast) < need:  # every hit was scored: the unscored ones follow in corpus order
                scored = {d for d, _ in fast}
                fast += [(d, 0.0) for d in sorted(docs - scored, key=order().__getitem__)[: need - len(fast)]]
            return fast[offset:need]
    ranked: list[tuple[int, float]] = []
    if scorer is not None:
        results = s.search(scorer, filter=set(docs), limit=need, terms=False)
        ranked = [(hit.docnum, hit.score or 0.0) for hit in results]
    if len(ranked) < need and len(ranked) < len(docs):
        scored: set[int] = set()
        if scorer is not None:
            scored = set(s.search(scorer, filter=set(docs), limit=None, terms=False).docs())
        rest = sorted(docs - scored, key=order().__getitem__)
        ranked += [(d, 0.0) for d in rest[: need - len(ranked)]]
    return ranked[offset:need]


def _filtered(maps: FacetMaps, matched: frozenset[int], chosen: dict[str, Sequence[str]]
              ) -> tuple[frozenset[int], dict[str, frozenset[int] | None]]:
    """The hits: matched paragraphs within every facet's selection (any value within a facet)."""
    selected = {f: selection(maps, f, tuple(chosen[f])) for f in FACETS}
    hits = frozenset(matched)
    for f in FACETS:
        if selected[f] is not None:
            hits = hits & selected[f]  # type: ignore[operator]
    return hits, selected


def _best(s: Searcher, comp: Compiler, cache: BuildCache, tree: object, hits: frozenset[int], offset: int,
          count_: int) -> list[tuple[int, float]]:
    """hits[offset:offset+count] in rank order: whole-word matches first, substring-only matches after."""
    if offset >= len(hits) or count_ <= 0:
        return []
    scorer = comp.scoring_query(tree)
    first = hits & comp.evaluate(tree, whole_words=True) if scorer is not None else hits
    # Unscored hits follow in corpus order (build.json's, see search/order.py), read once per build when needed.
    def order() -> dict[int, int]:
        return corpus_order(cache, s)

    docs = _ranked(s, comp.postings, cache.norms, scorer, first, offset, count_, order)
    if len(docs) < count_:
        docs += _ranked(s, comp.postings, cache.norms, scorer, hits - first, max(0, offset - len(first)),
                        count_ - len(docs), order)
    return docs


def search(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), page: int = 1, per_page: int = 10) -> dict:
    """Ranked hits for q with facet counts over all hits; see the module docstring and CONTRACTS.md."""
    _check_args(page, per_page, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    with searching(pinned(store)) as (s, cache):
        comp = Compiler(s, cache)
        matched = comp.evaluate(parsed.tree)
        hits_set, selected = _filtered(cache.maps, matched, chosen)
        facets = count(cache.maps, matched, selected, chosen)
        hits: list[dict] = []
        for docnum, score in _best(s, comp, cache, parsed.tree, hits_set, (page - 1) * per_page, per_page):
            stored = s.stored_fields(docnum)
            text = stored.get("text", "")
            spans, keys = comp.marks(parsed.tree, text)
            hits.append(_hit(stored, score, build_snippet(text, spans, keys).html))
    return {
        "query": q if isinstance(q, str) else "",
        "notice": parsed.notice(),
        "total": len(hits_set),
        "page": page,
        "per_page": per_page,
        "hits": hits,
        "facets": facets,
    }


def ranked(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), limit: int) -> list[tuple[Paragraph, float]]:
    """The first `limit` hits of search() in the same order, with their scores; no facets, no snippets."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise SearchArgumentError(f"条数必须是不小于 0 的整数（收到 {limit!r}）")
    _check_args(1, 1, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    with searching(pinned(store)) as (s, cache):
        comp = Compiler(s, cache)
        hits_set, _selected = _filtered(cache.maps, comp.evaluate(parsed.tree), chosen)
        return [(from_stored(s.stored_fields(d)), score) for d, score in _best(s, comp, cache, parsed.tree, hits_set, 0, limit)]


def get_report(store: Store | OpenIndex, report_id: str, *, q: str = "", institutions: Sequence[str] = (),
               years: Sequence[str] = (), themes: Sequence[str] = ()) -> dict | None:
    """One report with every paragraph; hits (marked, listed) are paragraphs matching q and the filters."""
    _check_args(1, 1, institutions, years, themes)
    open_index = pinned(store)
    meta = next((r for r in open_index.meta.get("reports", []) if r.get("id") == report_id), None)
    if meta is None or not isinstance(report_id, str):
        return None
    parsed: ParsedQuery = parse(q if isinstance(q, str) else "")
    with searching(open_index) as (s, cache):
        comp = Compiler(s, cache)
        docs = cache.maps.report.get(report_id, frozenset())
        matched = comp.evaluate(parsed.tree) & docs if parsed.tree is not None else frozenset()
        chosen = {"institution": institutions, "year": years, "theme": themes}
        matched, _selected = _filtered(cache.maps, matched, chosen)  # the same multi-select rule as search()
        paragraphs = []
        hits = []
        for docnum in docs:
            para = from_stored(s.stored_fields(docnum)).to_dict()
            spans = comp.marks(parsed.tree, para["text"])[0] if docnum in matched else []
            paragraphs.append({k: para[k] for k in REPORT_PARAGRAPH_KEYS} | {"html": highlight(para["text"], spans)})
            if docnum in matched:
                hits.append(para["position"])
    paragraphs.sort(key=lambda p: p["position"])
    return {
        "id": report_id,
        "title": meta.get("title", ""),
        "institution": meta.get("institution", ""),
        "institutions": list(meta.get("institutions") or [meta.get("institution", "")]),
        "years": list(meta.get("years", [])),
        "date": meta.get("date"),
        "source": meta.get("source"),
        "file": meta.get("file", ""),
        "paragraphs": paragraphs,
        "hits": sorted(hits),
    }


def mark_texts(store: Store | OpenIndex, q: str, texts: Sequence[str]) -> list[str]:
    """Each text HTML-escaped with q's words and phrases in <mark> (as in get_report's paragraph html)."""
    parsed = parse(q if isinstance(q, str) else "")
    if parsed.tree is None:
        return [highlight(t, []) for t in texts]
    with searching(pinned(store)) as (s, cache):
        comp = Compiler(s, cache)
        return [highlight(t, comp.marks(parsed.tree, t)[0]) for t in texts]


def mark_text(store: Store | OpenIndex, q: str, text: str) -> str:
    """text HTML-escaped with q's words and phrases in <mark>."""
    return mark_texts(store, q, [text])[0]


def facet_values(store: Store | OpenIndex) -> dict[str, list[str]]:
    """The institution, year and theme values the current build has (sorted)."""
    with searching(pinned(store)) as (_s, cache):
        maps = cache.maps
        return {
            "institution": sorted(k for k, v in maps.institution.items() if v),
            "year": [str(y) for y in sorted(k for k, v in maps.year.items() if v)],
            "theme": sorted(k for k, v in maps.theme.items() if v),
        }


def check_facet_values(store: Store | OpenIndex, *, institutions: Sequence[str] = (), themes: Sequence[str] = ()) -> None:
    """Raise SearchArgumentError for an institution/theme filter value the current build does not have.

    search() itself stays lenient (an unknown value just matches nothing); the CLI and the API call this
    so a typo is reported instead of answered with 0 hits. Years are only format-checked.
    """
    known = facet_values(store)
    for facet, values in (("institution", institutions), ("theme", themes)):
        label = FACET_LABELS[facet]
        for v in values:
            if v not in known[facet]:
                options = known[facet][:30]
                more = f" 等 {len(known[facet])} 项" if len(known[facet]) > len(options) else ""
                raise SearchArgumentError(f"未知{label}：{v}（可选：{'、'.join(options)}{more}）")


def overview(store: Store | OpenIndex) -> dict:
    """Corpus overview: counts, reports per institution and year, and the reports' metadata."""
    open_index = pinned(store)
    reports = list(open_index.meta.get("reports", []))
    by_inst: dict[str, dict[str, int]] = {}
    for r in reports:
        for inst in r.get("institutions") or [r.get("institution", "")]:
            row = by_inst.setdefault(inst, {})
            for y in r.get("years", []):
                row[str(y)] = row.get(str(y), 0) + 1
    paragraphs = sum(int(r.get("paragraphs", 0)) for r in reports)
    if not paragraphs:
        paragraphs = open_index.index.doc_count()
    return {
        "reports": len(reports),
        "paragraphs": paragraphs,
        "by_institution": {k: dict(sorted(v.items())) for k, v in sorted(by_inst.items())},
        "reports_list": reports,
    }
