"""The public search API over one build: search(), ranked(), get_report(), mark_texts(), facet_values(),
check_facet_values(), overview().

A request takes the build's context (indexer/search/evaluation/context.py: memory-mapped posting arrays
and columns, shared by concurrent requests without a lock) and goes: query tree (indexer/search/language/query.py,
synonyms expanded by indexer/search/language/synonyms.py) → exact hit set (evaluation/matching.py: sorted docnum
arrays) → facet counts (evaluation/facets.py) → the page ranked (scoring/: BM25F over text, section and
lead with bigram and proximity clauses, in three tiers — paragraphs whose text has every chunk as whole
words first, substring-only and synonym-only matches next, matches only through the section heading last
(listing.py); or by the reports' dates, scoring/order.py) → snippets (snippets.py, marks.py). Fewer than 10
full matches: partial matches follow them (partial.py), and on request related paragraphs (related.py); none:
did-you-mean alternatives. What a request is made of — q with its within terms, 同句, a page in an order —
is indexer/search/hits.py's; a hit's permalink is features/permalinks.py's.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from indexer.index.schema import from_stored
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import MAX_PER_PAGE, SearchArgumentError, check_filter_values, parse_year_span
from indexer.model import Paragraph
from indexer.search.evaluation.context import context
from indexer.search.evaluation.facets import FACET_LABELS, FACETS, check_known, count, filtered, known_values
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sentences import SentenceMatch
from indexer.search.evaluation.sets import intersect, members, minus
from indexer.search.features.didyoumean import did_you_mean
from indexer.search.features.partial import missing
from indexer.search.features.permalinks import paragraph_key, permalink
from indexer.search.features.related import FEEDBACK_DOCS, RELATED_BELOW, Related
from indexer.search.features.semantic import SEMANTIC_BELOW, build_vectors, model_ready, nearest, query_vector
from indexer.search.highlight.marks import Marker, sentence_snippet
from indexer.search.highlight.snippets import build_snippet, highlight
from indexer.search.hits import best, check_options, matched, prepare
from indexer.search.hits import page as page_of
from indexer.search.hits import partial as partial_matches
from indexer.search.language.query import ParsedQuery, Phrase, Words, units
from indexer.search.language.synonyms import Synonyms, expansion_notice
from indexer.search.listing import listed, pool, quoted_only
from indexer.search.listing import related as related_listing

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


def search(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), page: int = 1, per_page: int = 10, synonyms: Synonyms | None = None,
           expand: bool = True, strict: bool = False, sort: str = "relevance", sentence: bool = False,
           within: Sequence[str] = (), related: bool = False, semantic: bool = False) -> dict:
    """Ranked hits for q with facet counts over all hits; see the module docstring and CONTRACTS.md.

    synonyms (read at the edges, e.g. SynonymFile.current()) expand q's words unless expand is False.
    strict (the CLI and the API): an institution or theme the build does not have is a SearchArgumentError
    (evaluation/facets.check_known) instead of 0 hits.
    After fewer than PARTIAL_BELOW full matches come partial ones (indexer/search/features/partial.py), marked
    "partial": true with the concepts they lack in "missing"; `total` and the facets count full matches.
    sort: "relevance", "newest" or "oldest" (the report's date, ties by relevance: scoring/order.py), or
    "added" (newest added first: the feed's order); the order never changes `total` or the facets.
    sentence (同句): the query's words within one sentence (evaluation/sentences.py); each hit's snippet is
    then the sentence that matched. within: required terms (在结果中检索), each in the query syntax, ANDed with q.
    related (the web page asks for it): still fewer than RELATED_BELOW, related paragraphs follow
    (features/related.py); each hit then carries "related" (the related terms it has, [] for the others) and
    the result "related_terms" and "related_matches". semantic (opt-in, features/semantic.py): still fewer
    than SEMANTIC_BELOW, the paragraphs nearest in meaning follow; each hit then carries "semantic" (found only
    semantically) and the result "semantic" (whether the build has vectors and the model is installed) and
    "semantic_matches". expand=False turns both off; without them the result's shape is unchanged.
    """
    _check_args(page, per_page, institutions, years, themes)
    check_options(sort, sentence, within, internal=True)
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        if strict:
            check_known(ctx, institutions, themes)
        m = Matcher(ctx)
        query = prepare(m, q, within, synonyms, expand)
        tree = query.tree
        all_matched, same = matched(m, query, sentence)
        found, selected = filtered(ctx, all_matched, chosen)
        facets = count(ctx, all_matched, selected, chosen)
        offset = (page - 1) * per_page
        plain = query.parsed.tree
        widen = expand and plain is not None and not quoted_only(plain)
        vectors = build_vectors(ctx, open_index) if semantic else None
        semantic_ready = vectors is not None and (not widen or model_ready(open_index))
        full = page_of(ctx, m, query, found, offset, per_page, sort)
        parts, partial_docs = partial_matches(ctx, m, query, found, chosen)
        more = Related()
        if related and widen and len(found) < RELATED_BELOW:
            top = best(ctx, m, query, found, 0, FEEDBACK_DOCS) if len(found) else partial_docs
            more = related_listing(ctx, m, tree, found, [d for d, _s in top][:FEEDBACK_DOCS], partial_docs, chosen,
                                   synonyms)
        near: list[tuple[int, float]] = []
        if semantic_ready and widen and vectors is not None and len(found) < SEMANTIC_BELOW:
            # the query is embedded only here, where nearest paragraphs can be listed (~12 ms)
            room = SEMANTIC_BELOW - len(found) - len(partial_docs) - len(more.docs)
            others = pool(ctx, m, tree, chosen)
            near = nearest(vectors, _query_vector(open_index, query.parsed),
                           minus(others, listed(ctx, found, partial_docs, more.docs)), room)
        kinds = ["partial"] * len(partial_docs) + ["related"] * len(more.docs) + ["semantic"] * len(near)
        extra = partial_docs + more.docs + near
        skip = max(0, offset - len(found))
        hits: list[dict] = []
        marker = Marker(ctx.spans, tree)  # marks are the user's words and their synonyms only: a related hit's
        # terms are named in its label (hit["related"]), not marked
        for n, (docnum, score) in enumerate(full + extra[skip : skip + per_page - len(full)]):
            kind = kinds[skip + n - len(full)] if n >= len(full) else ""
            stored = ctx.stored(docnum)
            text = stored.get("text", "")
            spans, keys = marker.spans(text)
            number = same.sentence(docnum) if same is not None else None
            snippet = build_snippet(text, spans, keys) if number is None else sentence_snippet(text, spans, number)
            lacks = missing(parts, docnum) if kind == "partial" else []
            hit = _hit(stored, score, snippet.html) | {"partial": bool(lacks), "missing": lacks,
                                                       "permalink": permalink(stored.get("report", ""),
                                                                              paragraph_key(stored))}
            if related:
                hit["related"] = more.has(m, docnum) if kind == "related" else []
            if semantic:
                hit["semantic"] = kind == "semantic"
            hits.append(hit)
    notices = [n for n in (query.parsed.notice(), expansion_notice(query.added)) if n]
    out: dict = {
        "query": q if isinstance(q, str) else "",
        "notice": "。".join(notices) if notices else None,
        "total": len(found),
        "page": page,
        "per_page": per_page,
        "hits": hits,
        "facets": facets,
        "expand": bool(expand),
        "expanded": query.added,
        "partial_matches": len(partial_docs),
        # never a bare empty page: queries like q that do find something
        "did_you_mean": did_you_mean(open_index, q, chosen, synonyms, expand, within=within, sentence=sentence)
        if not len(found) and isinstance(q, str) else [],
    }
    if related:
        out |= {"related_terms": more.terms if more.docs else [], "related_matches": len(more.docs)}
    if semantic:
        out |= {"semantic": semantic_ready, "semantic_matches": len(near)}
    return out


def _query_vector(open_index: OpenIndex, parsed: ParsedQuery) -> np.ndarray:
    """The embedding of the query's words (the model is installed: model_ready)."""
    words = [u.text for u in units(parsed.tree) if isinstance(u, (Words, Phrase))]
    return query_vector(open_index, " ".join(words))


def ranked(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), limit: int, synonyms: Synonyms | None = None,
           expand: bool = True, sort: str = "relevance", sentence: bool = False,
           within: Sequence[str] = ()) -> list[tuple[Paragraph, float]]:
    """The first `limit` full-match hits of search() in the same order, with their scores; no facets,
    no snippets, no partial matches (what `total` counts). sort may also be "added" (newest added first:
    the feed's order)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise SearchArgumentError(f"条数必须是不小于 0 的整数（收到 {limit!r}）")
    _check_args(1, 1, institutions, years, themes)
    check_options(sort, sentence, within, internal=True)
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        m = Matcher(ctx)
        query = prepare(m, q, within, synonyms, expand)
        found, _selected = filtered(ctx, matched(m, query, sentence)[0], chosen)
        top = page_of(ctx, m, query, found, 0, limit, sort)
        return [(from_stored(ctx.stored(d)), score) for d, score in top]


def get_report(store: Store | OpenIndex, report_id: str, *, q: str = "", institutions: Sequence[str] = (),
               years: Sequence[str] = (), themes: Sequence[str] = (), synonyms: Synonyms | None = None,
               expand: bool = True, sentence: bool = False, within: Sequence[str] = ()) -> dict | None:
    """One report with every paragraph; hits (marked, listed) are paragraphs matching q (and the within
    terms, in one sentence with `sentence`) and the filters: the hits search() finds in this report."""
    _check_args(1, 1, institutions, years, themes)
    check_options("relevance", sentence, within)
    open_index = pinned(store)
    meta = next((r for r in open_index.meta.get("reports", []) if r.get("id") == report_id), None)
    if meta is None or not isinstance(report_id, str):
        return None
    with open_index.hold():
        ctx = context(open_index)
        m = Matcher(ctx)
        query = prepare(m, q, within, synonyms, expand)
        tree = query.tree
        docs = ctx.columns["report"].docs(report_id, ctx.live)
        found = intersect(m.evaluate(tree), docs) if tree is not None else docs[:0]
        if sentence and tree is not None:
            found = SentenceMatch(m, tree, found).docs
        chosen = {"institution": institutions, "year": years, "theme": themes}
        found, _selected = filtered(ctx, found, chosen)  # the same multi-select rule as search()
        is_hit = members(docs, found)
        marker = Marker(ctx.spans, tree)
        paragraphs = []
        hits = []
        for docnum, hit in zip(docs.tolist(), is_hit.tolist()):
            stored = ctx.stored(docnum)
            para = from_stored(stored).to_dict()
            spans = marker.spans(para["text"])[0] if hit else []
            link = permalink(report_id, paragraph_key(stored))  # the key the build stored with the paragraph
            paragraphs.append({k: para[k] for k in REPORT_PARAGRAPH_KEYS} | {"html": highlight(para["text"], spans),
                                                                              "permalink": link})
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
               expand: bool = True, within: Sequence[str] = ()) -> list[str]:
    """Each text HTML-escaped with q's (and the within terms') words and phrases and their synonyms in <mark>,
    as in get_report."""
    check_options("relevance", False, within)
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        tree = prepare(Matcher(ctx), q, within, synonyms, expand).tree
        if tree is None:
            return [highlight(t, []) for t in texts]
        marker = Marker(ctx.spans, tree)
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


def report_info(store: Store | OpenIndex, report_ids: Sequence[str]) -> dict[str, dict]:
    """The public metadata (PUBLIC_REPORT_KEYS) and `added` time of the reports asked for that the build has."""
    wanted = set(report_ids)
    return {r["id"]: {k: r[k] for k in (*PUBLIC_REPORT_KEYS, "added") if k in r}
            for r in pinned(store).meta.get("reports", []) if r.get("id") in wanted}


def permalink_position(store: Store | OpenIndex, report_id: str, key: str) -> int | None:
    """The position of the paragraph a permalink key names in a report (features/permalinks.py), None if gone."""
    open_index = pinned(store)
    with open_index.hold():
        ctx = context(open_index)
        for d in ctx.columns["report"].docs(report_id, ctx.live).tolist():
            if paragraph_key(ctx.stored(d)) == key:  # the key the build stored (keys are unique in a report)
                return int(ctx.position[d])
    return None


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
