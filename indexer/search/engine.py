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

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.analysis import normalize
from indexer.search.facets import FACETS, FacetMaps, count, load_maps, parse_year, selection
from indexer.search.ranking import Norms, Postings, TermCache, top
from indexer.search.query import And, Filter, Node, Not, Or, ParsedQuery, Phrase, Words, parse, positives
from indexer.search.snippets import build_snippet, compact, find_substrings, highlight
from indexer.index.store import OpenIndex, Store

MAX_PER_PAGE = 100
MAX_FILTER_VALUES = 50
DIRECT_VERIFY = 2_000  # phrase candidates (paragraphs with all its bigrams) read directly up to this many
SECTION_BOOST = 2.0
LEAD_BOOST = 1.5
BIGRAM_BOOST = 0.4
ADJACENT_BOOST = 1.5
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 8


class SearchArgumentError(ValueError):
    """A bad page / per_page / filter value: the message is for the user."""


# ---------------------------------------------------------------- per-build cache


@dataclass
class BuildCache:
    """Derived data of one open build (facet maps, last characters), built on first use."""

    maps: FacetMaps
    last_char: dict[str, frozenset[int]] | None = None
    seq: dict[int, int] = field(default_factory=dict)
    norms: Norms = field(default_factory=Norms)
    terms: TermCache = field(default_factory=TermCache)


@dataclass
class _Served:
    """One build's long-lived searcher and derived data; the lock serialises use of the searcher."""

    searcher: Searcher
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: BuildCache | None = None

    def close(self) -> None:
        """Close the searcher (OpenIndex calls this once no request holds the build)."""
        self.cache = None
        self.searcher.close()


SERVED_SLOT = "search.served"


@contextmanager
def _searching(open_index: OpenIndex) -> Iterator[tuple[Searcher, BuildCache]]:
    """The build's searcher and cache, for one request.

    Opening a Whoosh searcher copies the segment's term, posting and stored-field files into memory
    (BufferFile wraps the mmap in a BytesIO): ~85 ms at 10k paragraphs, per query. So each build keeps
    one searcher in a slot of its OpenIndex, held for the request (so a reindex switching builds closes
    it only when no request uses it any more), and requests take turns with it: Whoosh readers seek
    shared file objects, and pure-Python search work is serialised by the GIL anyway.
    """
    with open_index.hold():
        served = open_index.slot(SERVED_SLOT, lambda: _Served(searcher=open_index.searcher()))
        with served.lock:
            if served.cache is None:
                served.cache = BuildCache(maps=load_maps(served.searcher))
            yield served.searcher, served.cache


def _last_chars(cache: BuildCache, searcher: Searcher) -> dict[str, frozenset[int]]:
    """docnums by the last non-space (folded) character of their text: read once, for 1-char lookups."""
    if cache.last_char is None:
        by: dict[str, set[int]] = {}
        for docnum, stored in searcher.reader().iter_docs():
            text = normalize(stored.get("text", "")).rstrip()
            if text:
                by.setdefault(text[-1], set()).add(docnum)
        cache.last_char = {k: frozenset(v) for k, v in by.items()}
    return cache.last_char


# ---------------------------------------------------------------- compiling leaves


def _needle(text: str) -> str:
    return "".join(normalize(text).split())


class Compiler:
    """Turns a query tree into docnum sets (exact) and a Whoosh scoring query, for one searcher."""

    def __init__(self, searcher: Searcher, cache: BuildCache) -> None:
        self.s = searcher
        self.cache = cache
        schema = searcher.schema
        self.word_field = schema["text"]
        self.bi_field = schema["text_bi"]
        self.memo: dict[tuple, frozenset[int]] = {}
        self.postings = Postings(searcher, cache.terms)

    def words(self, text: str) -> list[str]:
        """The index's own word segmentation of a chunk (normalised, punctuation dropped)."""
        return list(dict.fromkeys(self.word_field.process_text(text, mode="query")))

    def bigrams(self, text: str) -> list[str]:
        return list(self.bi_field.process_text(text, mode="query"))

    def docs(self, q: wq.Query) -> frozenset[int]:
        return frozenset(q.docs(self.s))

    def term_docs(self, word: str) -> frozenset[int]:
        key = ("w", word)
        if key not in self.memo:
            # the heading counts: a paragraph under "切实解决执行难" is about 执行难 even if it doesn't repeat it
            self.memo[key] = frozenset(self.postings.doc_ids("text", word) | self.postings.doc_ids("section", word))
        return self.memo[key]

    def substring_docs(self, needle: str) -> frozenset[int]:
        """Paragraphs whose whitespace-free folded text contains needle (Ctrl-F exact)."""
        key = ("s", needle)
        if key in self.memo:
            return self.memo[key]
        if len(needle) == 1:
            found = self.char_docs(needle)
        else:
            grams = list(dict.fromkeys(needle[i : i + 2] for i in range(len(needle) - 1)))
            sets = sorted((self.postings.doc_ids("text_bi", g) for g in grams), key=len)
            candidates = sets[0].intersection(*sets[1:]) if sets else set()
            # where jieba cut the needle as a word of the text it occurs there (tokens are slices of the
            # folded text): only the other candidates need their text read
            sure = candidates & self.postings.doc_ids("text", needle) if len(needle) > 2 else set()
            rest = candidates - sure
            if len(needle) == 2:
                found = frozenset(candidates)
            elif len(rest) <= DIRECT_VERIFY:
                # few paragraphs have every bigram: read their text instead of checking positions
                found = frozenset(sure).union(d for d in sorted(rest) if needle in self.text_of(d))
            else:
                # text_bi holds the bigrams of exactly the folded, whitespace-free text at consecutive
                # positions (indexer/analysis.py), so the positional phrase is already Ctrl-F exact:
                # no need to re-read thousands of stored texts to confirm it
                found = self.docs(wq.Phrase("text_bi", [needle[i : i + 2] for i in range(len(needle) - 1)]))
        self.memo[key] = found
        return found

    def text_of(self, docnum: int) -> str:
        """The paragraph's text as needles are matched: folded, whitespace removed."""
        return _needle(self.s.stored_fields(docnum).get("text", ""))

    def char_docs(self, ch: str) -> frozenset[int]:
        reader = self.s.reader()
        out: set[int] = set()
        for term in reader.expand_prefix("text_bi", ch):
            t = term.decode("utf-8") if isinstance(term, bytes) else term
            out.update(reader.postings("text_bi", term).all_ids() if t else ())
        out |= _last_chars(self.cache, self.s).get(ch, frozenset())
        return frozenset(out)

    # exact hit sets ------------------------------------------------------

    def chunk_docs(self, text: str, whole_words: bool) -> frozenset[int]:
        needle = _needle(text)
        words = self.words(text)
        word_sets: list[frozenset[int]] = []
        for w in words:
            ds = self.term_docs(w)
            if not whole_words and len(w) > 1:
                ds = ds | self.substring_docs(w)
            word_sets.append(ds)
        found = frozenset.intersection(*word_sets) if word_sets else frozenset()
        if not whole_words and needle:
            found = found | self.substring_docs(needle)
        return found

    def evaluate(self, node: Node | None, whole_words: bool = False) -> frozenset[int]:
        """The exact set of docnums matching the tree (whole_words: chunks only as jieba words)."""
        maps = self.cache.maps
        if node is None:
            return maps.universe
        if isinstance(node, Words):
            return self.chunk_docs(node.text, whole_words)
        if isinstance(node, Phrase):
            needle = _needle(node.text)
            return self.substring_docs(needle) if needle else frozenset()
        if isinstance(node, Filter):
            if node.field == "year":
                return maps.years_between(*node.year_range())
            return getattr(maps, node.field).get(node.value, frozenset())
        if isinstance(node, Not):
            return maps.universe - self.evaluate(node.child)  # excluded in any form, not just as words
        if isinstance(node, Or):
            out: frozenset[int] = frozenset()
            for c in node.children:
                out = out | self.evaluate(c, whole_words)
            return out
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c for c in node.children if isinstance(c, Not)]
        result = maps.universe if not pos else None
        for c in sorted(pos, key=lambda c: not isinstance(c, (Filter, Phrase))):
            got = self.evaluate(c, whole_words)
            result = got if result is None else result & got
            if not result:
                return frozenset()
        assert result is not None
        for c in neg:
            result = result - self.evaluate(c.child)
        return result

    # scoring -------------------------------------------------------------

    def scoring_query(self, tree: Node | None) -> wq.Query | None:
        """BM25F clauses for the positive leaves (None when nothing is to be scored)."""
        clauses: list[wq.Query] = []
        all_words: list[str] = []
        for leaf in positives(tree):
            words = self.words(leaf.text)
            all_words.extend(words)
            for w in words:
                clauses.append(wq.Term("text", w))
                clauses.append(wq.Term("section", w, boost=SECTION_BOOST))
                clauses.append(wq.Term("lead", w, boost=LEAD_BOOST))
            needle = _needle(leaf.text)
            if len(needle) >= 2:
                grams = [needle[i : i + 2] for i in range(len(needle) - 1)]
                boost = 1.0 if isinstance(leaf, Phrase) else BIGRAM_BOOST
                clauses.append(wq.Term("text_bi", grams[0], boost=boost) if len(grams) == 1
                               else wq.Phrase("text_bi", grams, boost=boost))
                for w in words:
                    if len(w) > 1 and w != needle:
                        clauses.append(wq.Phrase("text_bi", [w[i : i + 2] for i in range(len(w) - 1)], boost=BIGRAM_BOOST)
                                       if len(w) > 2 else wq.Term("text_bi", w, boost=BIGRAM_BOOST))
            elif needle:
                clauses.append(wq.Term("text_bi", needle))
            if len(words) > 1:
                clauses.append(wq.Phrase("text", words, boost=ADJACENT_BOOST))
        uniq = list(dict.fromkeys(all_words))
        if 1 < len(uniq) <= 8 and len(positives(tree)) > 1:
            clauses.append(wq.Phrase("text", uniq, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
        if not clauses:
            return None
        return wq.Or(clauses)

    # highlighting --------------------------------------------------------

    def marks(self, tree: Node | None, text: str) -> tuple[list[tuple[int, int]], list[str]]:
        """Spans of every positive word / substring / phrase in text, with the query string each matched."""
        folded = normalize(text)
        squeezed = compact(folded)
        spans: list[tuple[int, int]] = []
        keys: list[str] = []
        singles: set[str] = set()
        for leaf in positives(tree):
            needle = _needle(leaf.text)
            needles = {needle} if needle else set()
            if isinstance(leaf, Words):
                for w in self.words(leaf.text):
                    if len(w) > 1:
                        needles.add(_needle(w))
                    elif needle != w:
                        singles.add(w)  # one-character words mark only where jieba cut them as words
            for n in needles:
                found = find_substrings(folded, [n], squeezed)
                spans += found
                keys += [n] * len(found)
        if singles:
            for tok in self.word_field.analyzer(text, chars=True, mode="index"):
                if tok.text in singles:
                    spans.append((tok.startchar, tok.endchar))
                    keys.append(tok.text)
        return spans, keys


# ---------------------------------------------------------------- public API


def _check_args(page: object, per_page: object, institutions: object, years: object, themes: object) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise SearchArgumentError(f"页码必须是不小于 1 的整数（收到 {page!r}）")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchArgumentError(f"每页条数必须在 1 到 {MAX_PER_PAGE} 之间（收到 {per_page!r}）")
    for name, values in (("机构", institutions), ("年份", years), ("主题", themes)):
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):  # type: ignore[union-attr]
            raise SearchArgumentError(f"{name}筛选值必须是文本列表")
        if len(values) > MAX_FILTER_VALUES:  # type: ignore[arg-type]
            raise SearchArgumentError(f"{name}筛选值最多 {MAX_FILTER_VALUES} 个")
    for y in years:  # type: ignore[union-attr]
        rng = parse_year(y)
        if rng is None or rng[1] - rng[0] > 200:
            raise SearchArgumentError(f"年份“{y}”无法识别：请写作 2019 或 2017-2021")


def _hit(stored: dict, score: float, snippet: str) -> dict:
    years = [int(y) for y in str(stored.get("years", "")).split() if y.isdigit()]
    return {
        "id": stored.get("id", ""),
        "report": stored.get("report", ""),
        "title": stored.get("title", ""),
        "institution": stored.get("institution", ""),
        "years": years,
        "theme": stored.get("theme", ""),
        "section": stored.get("section", ""),
        "position": int(stored.get("position", 0)),
        "text": stored.get("text", ""),
        "snippet": snippet,
        "score": round(float(score), 4),
    }


def _ranked(s: Searcher, postings: Postings, norms: Norms, scorer: wq.Query | None, docs: frozenset[int], offset: int,
            count_: int) -> list[tuple[int, float]]:
    """docs[offset:offset+count] by BM25F (unscored ones after, in corpus order)."""
    if count_ <= 0 or offset >= len(docs):
        return []
    need = offset + count_
    if isinstance(scorer, wq.Or):
        fast = top(s, postings, norms, scorer, docs, need)
        if fast is not None:
            if len(fast) < need:  # every hit was scored: the unscored ones follow in corpus order
                seq = s.reader().column_reader("seq")
                scored = {d for d, _ in fast}
                fast += [(d, 0.0) for d in sorted(docs - scored, key=lambda d: (seq[d], d))[: need - len(fast)]]
            return fast[offset:need]
    ranked: list[tuple[int, float]] = []
    if scorer is not None:
        results = s.search(scorer, filter=set(docs), limit=need, terms=False)
        ranked = [(hit.docnum, hit.score or 0.0) for hit in results]
    if len(ranked) < need and len(ranked) < len(docs):
        scored: set[int] = set()
        if scorer is not None:
            scored = set(s.search(scorer, filter=set(docs), limit=None, terms=False).docs())
        seq = s.reader().column_reader("seq")
        rest = sorted(docs - scored, key=lambda d: (seq[d], d))
        ranked += [(d, 0.0) for d in rest[: need - len(ranked)]]
    return ranked[offset:need]


def search(store: Store, q: str, *, institutions: Sequence[str] = (), years: Sequence[str] = (),
           themes: Sequence[str] = (), page: int = 1, per_page: int = 10) -> dict:
    """Ranked hits for q with facet counts over all hits; see the module docstring and CONTRACTS.md."""
    _check_args(page, per_page, institutions, years, themes)
    parsed = parse(q if isinstance(q, str) else "")
    open_index = store.current()
    chosen = {"institution": tuple(institutions), "year": tuple(years), "theme": tuple(themes)}
    with _searching(open_index) as (s, cache):
        comp = Compiler(s, cache)
        matched = comp.evaluate(parsed.tree)
        selected = {f: selection(cache.maps, f, chosen[f]) for f in FACETS}
        hits_set = frozenset(matched)
        for f in FACETS:
            if selected[f] is not None:
                hits_set = hits_set & selected[f]
        facets = count(cache.maps, matched, selected, chosen)
        offset = (page - 1) * per_page
        hits: list[dict] = []
        if offset < len(hits_set):
            scorer = comp.scoring_query(parsed.tree)
            first = hits_set & comp.evaluate(parsed.tree, whole_words=True) if scorer is not None else hits_set
            second = hits_set - first
            page_docs = _ranked(s, comp.postings, cache.norms, scorer, first, offset, per_page)
            if len(page_docs) < per_page:
                page_docs += _ranked(s, comp.postings, cache.norms, scorer, second, max(0, offset - len(first)), per_page - len(page_docs))
            for docnum, score in page_docs:
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


def get_report(store: Store, report_id: str, *, q: str = "", institutions: Sequence[str] = (),
               years: Sequence[str] = (), themes: Sequence[str] = ()) -> dict | None:
    """One report with every paragraph; hits (marked, listed) are paragraphs matching q and the filters."""
    _check_args(1, 1, institutions, years, themes)
    open_index = store.current()
    meta = next((r for r in open_index.meta.get("reports", []) if r.get("id") == report_id), None)
    if meta is None or not isinstance(report_id, str):
        return None
    parsed: ParsedQuery = parse(q if isinstance(q, str) else "")
    with _searching(open_index) as (s, cache):
        comp = Compiler(s, cache)
        docs = cache.maps.report.get(report_id, frozenset())
        matched = comp.evaluate(parsed.tree) & docs if parsed.tree is not None else frozenset()
        chosen = {"institution": institutions, "year": years, "theme": themes}
        for f in FACETS:
            allowed = selection(cache.maps, f, tuple(chosen[f]))
            if allowed is not None:  # the same multi-select rule as search(): any value within a facet
                matched = matched & allowed
        paragraphs = []
        hits = []
        for docnum in docs:
            stored = s.stored_fields(docnum)
            text = stored.get("text", "")
            spans = comp.marks(parsed.tree, text)[0] if docnum in matched else []
            paragraphs.append({
                "id": stored.get("id", ""),
                "position": int(stored.get("position", 0)),
                "section": stored.get("section", ""),
                "theme": stored.get("theme", ""),
                "institution": stored.get("institution", ""),
                "text": text,
                "html": highlight(text, spans),
            })
            if docnum in matched:
                hits.append(int(stored.get("position", 0)))
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


def mark_texts(store: Store, q: str, texts: Sequence[str]) -> list[str]:
    """Each text HTML-escaped with q's words and phrases in <mark> (as in get_report's paragraph html)."""
    parsed = parse(q if isinstance(q, str) else "")
    if parsed.tree is None:
        return [highlight(t, []) for t in texts]
    with _searching(store.current()) as (s, cache):
        comp = Compiler(s, cache)
        return [highlight(t, comp.marks(parsed.tree, t)[0]) for t in texts]


def mark_text(store: Store, q: str, text: str) -> str:
    """text HTML-escaped with q's words and phrases in <mark>."""
    return mark_texts(store, q, [text])[0]


def facet_values(store: Store) -> dict[str, list[str]]:
    """The institution, year and theme values the current build has (sorted)."""
    with _searching(store.current()) as (_s, cache):
        maps = cache.maps
        return {
            "institution": sorted(k for k, v in maps.institution.items() if v),
            "year": [str(y) for y in sorted(k for k, v in maps.year.items() if v)],
            "theme": sorted(k for k, v in maps.theme.items() if v),
        }


def check_facet_values(store: Store, *, institutions: Sequence[str] = (), themes: Sequence[str] = ()) -> None:
    """Raise SearchArgumentError for an institution/theme filter value the current build does not have.

    search() itself stays lenient (an unknown value just matches nothing); the CLI and the API call this
    so a typo is reported instead of answered with 0 hits. Years are only format-checked.
    """
    known = facet_values(store)
    for facet, label, values in (("institution", "机构", institutions), ("theme", "主题", themes)):
        for v in values:
            if v not in known[facet]:
                options = known[facet][:30]
                more = f" 等 {len(known[facet])} 项" if len(known[facet]) > len(options) else ""
                raise SearchArgumentError(f"未知{label}：{v}（可选：{'、'.join(options)}{more}）")


def overview(store: Store) -> dict:
    """Corpus overview: counts, reports per institution and year, and the reports' metadata."""
    open_index = store.current()
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
