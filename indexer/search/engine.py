"""Searching one build: query tree → exact hit set → facets → ranked page with highlighted snippets.

How a query matches (see indexer/search/query.py for the syntax):
- an unquoted chunk is cut into words by the index's word analyzer; a paragraph matches when every word
  matches, as a jieba word (field `text`, or its section heading) or as a substring (bigram phrase on `text_bi`), or when the
  whole chunk occurs as a substring. So any chunk of 2+ characters that occurs in a paragraph finds it;
- a quoted phrase matches exactly the paragraphs whose text, whitespace removed and full-width folded,
  contains it (bigram phrase on `text_bi`, then verified against the stored text);
- a one-character term or phrase is looked up through the bigrams that start with that character, plus
  the paragraphs whose last character it is (Ctrl-F exact as well);
- with synonyms (indexer/search/synonyms.py), each query word is a concept: the word OR its synonyms
  (matched exactly); traditional characters match simplified ones through analysis.normalize;
- fewer than 10 full matches: partial matches follow them (indexer/search/partial.py).
Hit sets are sorted docnum arrays over the build's posting arrays (indexer/search/evaluation.py; plain
Python sets for builds without them), so boolean operators, facet counts over all hits and the
multi-select rule are set algebra. Ranking is Whoosh BM25F over text, section and lead (boosted), with
bigram and proximity clauses, in two tiers: paragraphs matching every chunk as whole words come first,
substring-only matches (and, with synonyms, synonym-only matches) after them.
"""

from __future__ import annotations

from typing import Callable, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.index.schema import from_stored
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import MAX_PER_PAGE, SearchArgumentError, check_filter_values, parse_year_span
from indexer.model import Paragraph
from indexer.search.cache import BuildCache, corpus_order, searching
from indexer.search.compile import Compiler
from indexer.search.didyoumean import did_you_mean
from indexer.search.evaluation import ARRAYS, Evaluation
from indexer.search.facets import FACET_LABELS, FACETS, filtered
from indexer.search.partial import PARTIAL_BELOW, Part, missing, partial_groups
from indexer.search.query import Node, ParsedQuery, parse
from indexer.search.ranking import Norms, Postings
from indexer.search.snippets import build_snippet, highlight
from indexer.search.synonyms import Expansion, Synonyms
from indexer.search.synonyms import expand as expand_tree

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
        fast = postings.top(s, norms, scorer, docs, need)
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
        scored = {d for d, _ in ranked}  # fewer than `need` came back: that is every hit the scorer matches
        rest = sorted(docs - scored, key=order().__getitem__)
        ranked += [(d, 0.0) for d in rest[: need - len(ranked)]]
    return ranked[offset:need]


def _corpus_order(cache: BuildCache, s: Searcher) -> Callable[[], dict[int, int]]:
    """Unscored hits follow in corpus order (build.json's, see search/order.py), read once per build when needed."""
    return lambda: corpus_order(cache, s)


def _expanded(comp: Compiler, parsed: ParsedQuery, synonyms: Synonyms | None, expand: bool) -> Expansion:
    """The parsed tree with its words expanded by the synonyms (unchanged when expand is False)."""
    return expand_tree(parsed.tree, synonyms if expand else None, comp.words)


def _best(s: Searcher, comp: Compiler, cache: BuildCache, tree: Node | None, hits: frozenset[int], offset: int,
          count_: int, own_tree: Node | None = None) -> list[tuple[int, float]]:
    """hits[offset:offset+count] in rank order: whole-word matches first, substring-only matches after.

    own_tree: the unexpanded query, when tree is expanded. The first tier holds the user's own words
    whole, so every concept scores as its word there: the unexpanded query ranks it identically, on the
    fast top-k path; the synonym-only hits (second tier) are ranked by the expanded query.
    """
    if offset >= len(hits) or count_ <= 0:
        return []
    scorer = comp.scoring_query(tree)
    first = hits & comp.evaluate(tree, whole_words=True) if scorer is not None else hits
    own = comp.scoring_query(own_tree) if own_tree is not None else scorer
    order = _corpus_order(cache, s)
    docs = _ranked(s, comp.postings, cache.norms, own, first, offset, count_, order)
    if len(docs) < count_:
        docs += _ranked(s, comp.postings, cache.norms, scorer, hits - first, max(0, offset - len(first)),
                        count_ - len(docs), order)
    return docs


def _partial(s: Searcher, comp: Compiler, cache: BuildCache, tree: Node | None, hits: frozenset[int],
             chosen: dict[str, tuple[str, ...]]) -> tuple[list[Part], list[tuple[int, float]]]:
    """The query's parts and the partial matches listed after fewer than PARTIAL_BELOW full ones."""
    if len(hits) >= PARTIAL_BELOW:
        return [], []
    # the facet selection, when there is one (the selections' intersection: never a set of every paragraph)
    chosen_sets = [sel for sel in filtered(cache.maps, frozenset(), chosen)[1].values() if sel is not None]
    allowed = frozenset.intersection(*chosen_sets) if chosen_sets else None
    parts, groups = partial_groups(comp, tree, hits, allowed)
    room = PARTIAL_BELOW - len(hits)
    scorer = comp.scoring_query(tree)
    order = _corpus_order(cache, s)
    listed: list[tuple[int, float]] = []
    for _n, docs in groups:  # most concepts first, by score within a group
        if len(listed) >= room:
            break
        listed += _ranked(s, comp.postings, cache.norms, scorer, docs, 0, room - len(listed), order)
    return parts, listed


def search(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), page: int = 1, per_page: int = 10, synonyms: Synonyms | None = None,
           expand: bool = True, evaluation: Evaluation = ARRAYS) -> dict:
    """Ranked hits for q with facet counts over all hits; see the module docstring and CONTRACTS.md.

    evaluation: how hit sets and facets are computed (indexer/search/evaluation.py; same results).

    synonyms (read at the edges, e.g. SynonymFile.current()) expand q's words unless expand is False.
    After fewer than PARTIAL_BELOW full matches come partial ones (indexer/search/partial.py), marked
    "partial": true with the concepts they lack in "missing"; `total` and the facets count full matches.
    """
    _check_args(page, per_page, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    open_index = pinned(store)
    with searching(open_index) as (s, cache):
        comp = evaluation.compiler(s, cache)
        expansion = _expanded(comp, parsed, synonyms, expand)
        tree = expansion.tree
        hits_set, facets = evaluation.hits(comp, tree, chosen)
        offset = (page - 1) * per_page
        own = parsed.tree if expansion.added else None
        full = _best(s, comp, cache, tree, hits_set, offset, per_page, own)
        parts, partial = _partial(s, comp, cache, tree, hits_set, chosen)
        skip = max(0, offset - len(hits_set))
        hits: list[dict] = []
        for n, (docnum, score) in enumerate(full + partial[skip : skip + per_page - len(full)]):
            stored = s.stored_fields(docnum)
            text = stored.get("text", "")
            spans, keys = comp.marks(tree, text)
            lacks = missing(parts, docnum) if n >= len(full) else []
            hits.append(_hit(stored, score, build_snippet(text, spans, keys).html) | {"partial": bool(lacks),
                                                                                      "missing": lacks})
    notices = [n for n in (parsed.notice(), expansion.notice()) if n]
    return {
        "query": q if isinstance(q, str) else "",
        "notice": "。".join(notices) if notices else None,
        "total": len(hits_set),
        "page": page,
        "per_page": per_page,
        "hits": hits,
        "facets": facets,
        "expand": bool(expand),
        "expanded": expansion.added,
        "partial_matches": len(partial),
        # never a bare empty page: queries like q that do find something (after the searcher is released)
        "did_you_mean": did_you_mean(open_index, q, chosen, synonyms, expand) if not hits_set and isinstance(q, str) else [],
    }


def ranked(store: Store | OpenIndex, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), limit: int, synonyms: Synonyms | None = None,
           expand: bool = True, evaluation: Evaluation = ARRAYS) -> list[tuple[Paragraph, float]]:
    """The first `limit` full-match hits of search() in the same order, with their scores; no facets,
    no snippets, no partial matches (what `total` counts)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise SearchArgumentError(f"条数必须是不小于 0 的整数（收到 {limit!r}）")
    _check_args(1, 1, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    with searching(pinned(store)) as (s, cache):
        comp = evaluation.compiler(s, cache)
        expansion = _expanded(comp, parsed, synonyms, expand)
        hits_set, _facets = evaluation.hits(comp, expansion.tree, chosen, facets=False)
        own = parsed.tree if expansion.added else None
        best = _best(s, comp, cache, expansion.tree, hits_set, 0, limit, own)
        return [(from_stored(s.stored_fields(d)), score) for d, score in best]


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
    with searching(open_index) as (s, cache):
        comp = ARRAYS.compiler(s, cache)  # the posting arrays, as search() reads them
        tree = _expanded(comp, parsed, synonyms, expand).tree
        docs = cache.maps.report.get(report_id, frozenset())
        matched = comp.evaluate(tree) & docs if tree is not None else frozenset()
        chosen = {"institution": institutions, "year": years, "theme": themes}
        matched, _selected = filtered(cache.maps, matched, chosen)  # the same multi-select rule as search()
        paragraphs = []
        hits = []
        for docnum in docs:
            para = from_stored(s.stored_fields(docnum)).to_dict()
            spans = comp.marks(tree, para["text"])[0] if docnum in matched else []
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


def mark_texts(store: Store | OpenIndex, q: str, texts: Sequence[str], *, synonyms: Synonyms | None = None,
               expand: bool = True) -> list[str]:
    """Each text HTML-escaped with q's words and phrases (and their synonyms) in <mark>, as in get_report."""
    parsed = parse(q if isinstance(q, str) else "")
    if parsed.tree is None:
        return [highlight(t, []) for t in texts]
    with searching(pinned(store)) as (s, cache):
        comp = Compiler(s, cache)
        tree = _expanded(comp, parsed, synonyms, expand).tree
        return [highlight(t, comp.marks(tree, t)[0]) for t in texts]


def mark_text(store: Store | OpenIndex, q: str, text: str, *, synonyms: Synonyms | None = None,
              expand: bool = True) -> str:
    """text HTML-escaped with q's words and phrases in <mark>."""
    return mark_texts(store, q, [text], synonyms=synonyms, expand=expand)[0]


def facet_values(store: Store | OpenIndex) -> dict[str, list[str]]:
    """The institution, year and theme values the current build has (sorted)."""
    with searching(pinned(store)) as (_s, cache):
        maps = cache.maps
        return {
            "institution": sorted(k for k in maps.institution if maps.institution.size(k)),
            "year": [str(y) for y in sorted(k for k in maps.year if maps.year.size(k))],
            "theme": sorted(k for k in maps.theme if maps.theme.size(k)),
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
