"""The public search API over one build: search(), ranked(), get_report(), mark_texts(), facet_values(),
check_facet_values(), overview().

A request takes the build's context (indexer/search/evaluation/context.py: memory-mapped posting arrays
and columns, shared by concurrent requests without a lock) and goes: query tree (indexer/search/language/query.py,
synonyms expanded by indexer/search/language/synonyms.py) → exact hit set (evaluation/matching.py: sorted docnum
arrays) → facet counts (evaluation/facets.py) → the page ranked (scoring/: BM25F over text, section and
lead with bigram and proximity clauses, in two tiers — paragraphs matching every chunk as whole words
first, substring-only and synonym-only matches after them) → snippets (snippets.py, marks.py). Fewer
than 10 full matches: partial matches follow them (partial.py); none: did-you-mean alternatives.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from indexer.index.schema import from_stored
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import MAX_PER_PAGE, SearchArgumentError, check_filter_values, parse_year_span
from indexer.model import Paragraph
from indexer.search.evaluation.context import BuildContext, context
from indexer.search.evaluation.facets import FACET_LABELS, FACETS, allowed, check_known, count, filtered, known_values
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sets import intersect, members, minus
from indexer.search.features.didyoumean import did_you_mean
from indexer.search.features.partial import PARTIAL_BELOW, Part, missing, partial_groups
from indexer.search.highlight.marks import Marker
from indexer.search.highlight.snippets import build_snippet, highlight
from indexer.search.language.query import Node, ParsedQuery, parse
from indexer.search.language.synonyms import Expansion, Synonyms
from indexer.search.language.synonyms import expand as expand_tree
from indexer.search.scoring.plan import plan
from indexer.search.scoring.rank import ranked as rank_docs

REPORT_PARAGRAPH_KEYS = ("id", "position", "section", "theme", "institution", "text")  # + "html" (CONTRACTS.md)
# What overview() shows of each report, served publicly by /api/overview and the home page. build.json's other
# fields (the file's path in the corpus, its fingerprint, indexer warnings, detection notes) are for the CLI,
# which prints them at reindex: they describe the server's disk, not the reports.
PUBLIC_REPORT_KEYS = ("id", "title", "institution", "institutions", "years", "date", "source", "paragraphs")


# ---------------------------------------------------------------- public API


def _check_args(page: object, per_page: object, institutions: object, years: object, themes: object) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise SearchArgumentError(f"页码必须是不小于 1 的整数（收到 {page!r}）")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchArgumentError(f"每页条数必须在 1 到 {MAX_PER_PAGE} 之间（收到 {per_page!r}）")
    for facet, values in zip(FACETS, (institutions, years, themes)):
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):  # type: ignore[attr-defined]
            raise SearchArgumentError(f"{FACET_LABELS[facet]}筛选值必须是文本列表")
        check_filter_values(FACET_LABELS[facet], values)  # type: ignore[arg-type]
    for y in years:  # type: ignore[attr-defined]
        parse_year_span(y)  # YearError is a SearchArgumentError


def _hit(stored: dict, score: float, snippet: str) -> dict:
    return from_stored(stored).to_dict() | {"snippet": snippet, "score": round(float(score), 4)}


def _expanded(m: Matcher, parsed: ParsedQuery, synonyms: Synonyms | None, expand: bool) -> Expansion:
    """The parsed tree with its words expanded by the synonyms (unchanged when expand is False)."""
    return expand_tree(parsed.tree, synonyms if expand else None, m.words)


def _best(ctx: BuildContext, m: Matcher, tree: Node | None, hits: np.ndarray, offset: int, count_: int,
          own_tree: Node | None = None) -> list[tuple[int, float]]:
    """hits[offset:offset+count] in rank order: whole-word matches first, substring-only matches after.

    own_tree: the unexpanded query, when tree is expanded. The first tier holds the user's own words
    whole, so every concept scores as its word there: the unexpanded query ranks it identically; the
    synonym-only hits (second tier) are ranked by the expanded query.
    """
    if offset >= len(hits) or count_ <= 0:
        return []
    clauses = plan(tree, m.words)
    first = intersect(hits, m.evaluate(tree, whole_words=True)) if clauses is not None else hits
    own = plan(own_tree, m.words) if own_tree is not None else clauses
    docs = rank_docs(ctx, m.terms, own, first, offset, count_)
    if len(docs) < count_:
        docs += rank_docs(ctx, m.terms, clauses, minus(hits, first), max(0, offset - len(first)), count_ - len(docs))
    return docs


def _partial(ctx: BuildContext, m: Matcher, tree: Node | None, hits: np.ndarray,
             chosen: dict[str, tuple[str, ...]]) -> tuple[list[Part], list[tuple[int, float]]]:
    """The query's parts and the partial matches listed after fewer than PARTIAL_BELOW full ones."""
    if len(hits) >= PARTIAL_BELOW:
        return [], []
    parts, groups = partial_groups(m, tree, hits, allowed(ctx, chosen))
    room = PARTIAL_BELOW - len(hits)
    clauses = plan(tree, m.words)
    listed: list[tuple[int, float]] = []
    for _n, docs in groups:  # most concepts first, by score within a group
        if len(listed) >= room:
            break
        listed += rank_docs(ctx, m.terms, clauses, docs, 0, room - len(listed))
    return parts, listed


def search(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), page: int = 1, per_page: int = 10, synonyms: Synonyms | None = None,
           expand: bool = True, strict: bool = False) -> dict:
    """Ranked hits for q with facet counts over all hits; see the module docstring and CONTRACTS.md.

    synonyms (read at the edges, e.g. SynonymFile.current()) expand q's words unless expand is False.
    strict (the CLI and the API): an institution or theme the build does not have is a SearchArgumentError
    (evaluation/facets.check_known) instead of 0 hits.
    After fewer than PARTIAL_BELOW full matches come partial ones (indexer/search/features/partial.py), marked
    "partial": true with the concepts they lack in "missing"; `total` and the facets count full matches.
    """
    _check_args(page, per_page, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        if strict:
            check_known(ctx, institutions, themes)
        m = Matcher(ctx)
        expansion = _expanded(m, parsed, synonyms, expand)
        tree = expansion.tree
        matched = m.evaluate(tree)
        found, selected = filtered(ctx, matched, chosen)
        facets = count(ctx, matched, selected, chosen)
        offset = (page - 1) * per_page
        own = parsed.tree if expansion.added else None
        full = _best(ctx, m, tree, found, offset, per_page, own)
        parts, partial = _partial(ctx, m, tree, found, chosen)
        skip = max(0, offset - len(found))
        hits: list[dict] = []
        marker = Marker(ctx.spans, tree)
        for n, (docnum, score) in enumerate(full + partial[skip : skip + per_page - len(full)]):
            stored = ctx.stored(docnum)
            text = stored.get("text", "")
            spans, keys = marker.spans(text)
            lacks = missing(parts, docnum) if n >= len(full) else []
            hits.append(_hit(stored, score, build_snippet(text, spans, keys).html) | {"partial": bool(lacks),
                                                                                      "missing": lacks})
    notices = [n for n in (parsed.notice(), expansion.notice()) if n]
    return {
        "query": q if isinstance(q, str) else "",
        "notice": "。".join(notices) if notices else None,
        "total": len(found),
        "page": page,
        "per_page": per_page,
        "hits": hits,
        "facets": facets,
        "expand": bool(expand),
        "expanded": expansion.added,
        "partial_matches": len(partial),
        # never a bare empty page: queries like q that do find something
        "did_you_mean": did_you_mean(open_index, q, chosen, synonyms, expand) if not len(found) and isinstance(q, str) else [],
    }


def ranked(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), limit: int, synonyms: Synonyms | None = None,
           expand: bool = True) -> list[tuple[Paragraph, float]]:
    """The first `limit` full-match hits of search() in the same order, with their scores; no facets,
    no snippets, no partial matches (what `total` counts)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise SearchArgumentError(f"条数必须是不小于 0 的整数（收到 {limit!r}）")
    _check_args(1, 1, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        m = Matcher(ctx)
        expansion = _expanded(m, parsed, synonyms, expand)
        found, _selected = filtered(ctx, m.evaluate(expansion.tree), chosen)
        own = parsed.tree if expansion.added else None
        best = _best(ctx, m, expansion.tree, found, 0, limit, own)
        return [(from_stored(ctx.stored(d)), score) for d, score in best]


def get_report(store: Store | OpenIndex, report_id: str, *, q: str = "", institutions: Sequence[str] = (),
               years: Sequence[str] = (), themes: Sequence[str] = (), synonyms: Synonyms | None = None,
               expand: bool = True) -> dict | None:
    """One report with every paragraph; hits (marked, listed) are paragraphs matching q and the filters."""
    _check_args(1, 1, institutions, years, themes)
    open_index = pinned(store)
    meta = next((r for r in open_index.meta.get("reports", []) if r.get("id") == report_id), None)
    if meta is None or not isinstance(report_id, str):
        return None
    parsed: ParsedQuery = parse(q if isinstance(q, str) else "")
    with open_index.hold():
        ctx = context(open_index)
        m = Matcher(ctx)
        tree = _expanded(m, parsed, synonyms, expand).tree
        docs = ctx.columns["report"].docs(report_id, ctx.live)
        matched = intersect(m.evaluate(tree), docs) if tree is not None else docs[:0]
        chosen = {"institution": institutions, "year": years, "theme": themes}
        matched, _selected = filtered(ctx, matched, chosen)  # the same multi-select rule as search()
        is_hit = members(docs, matched)
        marker = Marker(ctx.spans, tree)
        paragraphs = []
        hits = []
        for docnum, hit in zip(docs.tolist(), is_hit.tolist()):
            para = from_stored(ctx.stored(docnum)).to_dict()
            spans = marker.spans(para["text"])[0] if hit else []
            paragraphs.append({k: para[k] for k in REPORT_PARAGRAPH_KEYS} | {"html": highlight(para["text"], spans)})
            if hit:
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
    } | ({"ocr": meta["ocr"]} if meta.get("ocr") else {})  # a scanned report: how its text was read


def mark_texts(store: Store | OpenIndex, q: str, texts: Sequence[str], *, synonyms: Synonyms | None = None,
               expand: bool = True) -> list[str]:
    """Each text HTML-escaped with q's words and phrases (and their synonyms) in <mark>, as in get_report."""
    parsed = parse(q if isinstance(q, str) else "")
    if parsed.tree is None:
        return [highlight(t, []) for t in texts]
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        marker = Marker(ctx.spans, _expanded(Matcher(ctx), parsed, synonyms, expand).tree)
        return [highlight(t, marker.spans(t)[0]) for t in texts]


def mark_text(store: Store | OpenIndex, q: str, text: str, *, synonyms: Synonyms | None = None,
              expand: bool = True) -> str:
    """text HTML-escaped with q's words and phrases in <mark>."""
    return mark_texts(store, q, [text], synonyms=synonyms, expand=expand)[0]


def facet_values(store: Store | OpenIndex) -> dict[str, list[str]]:
    """The institution, year and theme values the current build has (sorted)."""
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        return {facet: [str(v) for v in known_values(ctx, facet)] for facet in FACETS}


def check_facet_values(store: Store | OpenIndex, *, institutions: Sequence[str] = (), themes: Sequence[str] = ()) -> None:
    """Raise SearchArgumentError for an institution/theme filter value the current build does not have
    (the rule: evaluation/facets.check_known; search(strict=True) and trends() apply it themselves)."""
    open_index = pinned(store)
    with open_index.hold():
        check_known(context(open_index), institutions, themes)


def overview(store: Store | OpenIndex) -> dict:
    """Corpus overview: counts, reports per institution and year, and the reports' public metadata."""
    open_index = pinned(store)
    reports = [{k: r[k] for k in PUBLIC_REPORT_KEYS if k in r} for r in open_index.meta.get("reports", [])]
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
