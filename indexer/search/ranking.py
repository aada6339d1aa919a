"""Exact top-k BM25F without scoring every hit: bounds from raw postings, Whoosh's own scores for the finalists.

Whoosh scores a query by walking one Python matcher per clause over every matching posting (~5 µs a
posting), so a frequent word at 100k paragraphs costs hundreds of milliseconds. The ranking query is
an `Or` of clauses and its score is their sum, so (MaxScore):
- every `Term` clause's BM25F score is computed for all its postings from the posting blocks' id and
  weight arrays and a per-build table of length norms, with C-level `map`s (a lower bound LB(d));
- every `Phrase` clause can add at most boost × Σ idf·(K1+1) (its score is the sum of its terms'
  BM25, each below idf·(K1+1)): REST;
- T = the need-th largest LB among the candidates; only documents with LB(d) + REST ≥ T can be in
  the top `need`, and those (usually a few dozen) are scored exactly by Whoosh's matcher (skip_to).
The order is Whoosh's: score descending, then docnum. `None` means "no shortcut, score everything".
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from heapq import nlargest
from itertools import repeat
from operator import add, itemgetter, truediv
from typing import Iterable, Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.index.whoosh_compat import (
    Block,
    ListMatcher,
    NullMatcher,
    WrappingMatcher,
    bm25f_params,
    byte_to_length,
    length_bytes,
    posting_blocks,
)
from indexer.search.bestof import BestOf

MAX_FINALISTS = 3000  # beyond this many documents to score exactly, plain Whoosh scoring is as cheap
EPSILON = 1e-9
CACHE_POSTINGS = 6_000_000  # TermCache budget: ~48 MB of docnum + weight arrays per build
CACHE_MIN_POSTINGS = 2_000  # shorter posting lists are read afresh (a few blocks)
SMALL_SET = 200  # up to this many hits, score each one directly


@dataclass
class Norms:
    """Per build: for each scored field, K1·((1−B)+B·length/avg) by global docnum (BM25F's denominator part)."""

    by_field: dict[str, array] = field(default_factory=dict)  # 8 bytes a document (a list would be 32)

    def get(self, s: Searcher, fieldname: str, b: float, k1: float, avgfl: float) -> array:
        key = f"{fieldname}:{b}:{k1}"
        table = self.by_field.get(key)
        if table is None:
            lengths = _field_lengths(s, fieldname)
            scale = k1 * b / avgfl
            base = k1 * (1 - b)
            table = array("d", map(base.__add__, map(scale.__mul__, lengths)))
            self.by_field[key] = table
        return table


def _field_lengths(s: Searcher, fieldname: str) -> array:
    """Every document's (quantised) length in fieldname, by global docnum, as BM25F reads it.

    Whoosh 3 keeps them as one byte a document in a column: read each segment's bytes in one go
    (a per-document doc_field_length call takes ~1 s at 100k paragraphs). A zero byte means no terms
    (doc_field_length returns None there; such documents have no postings in the field).
    """
    table = [0.0] + [float(byte_to_length(i)) for i in range(1, 256)]
    out = array("d")
    for sub, offset in s.leaf_searchers():
        reader = sub.reader()
        count = reader.doc_count_all()
        raw = length_bytes(reader, fieldname, count)
        if raw is not None:
            out.extend(map(table.__getitem__, raw))
        else:
            dfl = reader.doc_field_length
            out.extend(float(dfl(d, fieldname, 1) or 0) for d in range(count))
    return out




class TermCache:
    """Per build: the decoded postings (docnum and weight arrays) of long posting lists, least recently
    used dropped first, at most `budget` postings (8 bytes each) in all.

    Reading a posting list costs an unpickle (+ zlib) per 128 postings whatever we need from it: ~13 ms
    for a word in 28,000 of 100,000 paragraphs, and frequent words recur across users' queries.
    """

    def __init__(self, budget: int = CACHE_POSTINGS, min_postings: int = CACHE_MIN_POSTINGS) -> None:
        self.budget = budget
        self.min_postings = min_postings
        self.size = 0
        self.items: OrderedDict[tuple[str, str], Block] = OrderedDict()

    def get(self, key: tuple[str, str]) -> Block | None:
        got = self.items.get(key)
        if got is not None:
            self.items.move_to_end(key)
        return got

    def put(self, key: tuple[str, str], blocks: list[Block]) -> list[Block]:
        """Keep a long posting list as one block of arrays; short ones are cheap to read again."""
        total = sum(n for _, _, n in blocks)
        if total < self.min_postings or total > self.budget:
            return blocks
        ids = array("i")
        weights = array("f")
        for block_ids, raw, n in blocks:
            ids.extend(block_ids)
            weights.extend(_weights(raw, n))
        one: Block = (ids, weights, total)
        self.items[key] = one
        self.size += total
        while self.size > self.budget and self.items:
            _, (_, _, n) = self.items.popitem(last=False)
            self.size -= n
        return [one]


class Postings:
    """One query's posting reads: each term's blocks are read (unpickled) once and shared by the
    hit-set and the ranking code; long lists come from / go to the build's TermCache."""

    def __init__(self, searcher: Searcher, cache: TermCache | None = None) -> None:
        self.s = searcher
        self.cache = cache
        self.memo: dict[tuple[str, str], list[Block]] = {}

    def blocks(self, fieldname: str, text: str) -> list[Block]:
        """Posting blocks of fieldname:text over all segments (deleted documents dropped)."""
        key = (fieldname, text)
        got = self.memo.get(key)
        if got is None:
            cached = self.cache.get(key) if self.cache is not None else None
            if cached is not None:
                got = [cached]
            else:
                got = self._read(fieldname, text)
                if self.cache is not None:
                    got = self.cache.put(key, got)
            self.memo[key] = got
        return got

    def _read(self, fieldname: str, text: str) -> list[Block]:
        s = self.s
        out: list[Block] = []
        if fieldname not in s.schema:
            return out
        btext = s.schema[fieldname].to_bytes(text)
        for sub, offset in s.leaf_searchers():
            reader = sub.reader()
            if (fieldname, btext) not in reader:
                continue
            for ids, raw, n in posting_blocks(reader.postings(fieldname, btext)):
                if reader.has_deletions():
                    ws = _weights(raw, n)
                    keep = [i for i, d in enumerate(ids) if not reader.is_deleted(d)]
                    ids, raw, n = [ids[i] for i in keep], [ws[i] for i in keep], len(keep)
                if offset:
                    ids = [i + offset for i in ids]
                out.append((ids, raw, n))
        return out

    def has(self, fieldname: str, text: str) -> bool:
        """True when the term's postings were already read for this query or are in the build's cache."""
        key = (fieldname, text)
        return key in self.memo or (self.cache is not None and key in self.cache.items)

    def top(self, s: Searcher, norms: Norms, scorer: wq.Or, docs: frozenset[int], need: int
            ) -> list[tuple[int, float]] | None:
        """top() over these postings (ArrayPostings computes its bounds as arrays)."""
        return top(s, self, norms, scorer, docs, need)

    def doc_ids(self, fieldname: str, text: str) -> set[int]:
        """Global docnums of one term's postings."""
        out: set[int] = set()
        for ids, _, _ in self.blocks(fieldname, text):
            out.update(ids)
        return out


def _weights(raw: object, n: int) -> Sequence[float]:
    if raw is None:
        return [1.0] * n
    if isinstance(raw, float):
        return [raw] * n
    return raw  # type: ignore[return-value]


def _params(s: Searcher, fieldname: str) -> tuple[float, float] | None:
    return bm25f_params(s.weighting, fieldname)


def term_scores(s: Searcher, postings: Postings, norms: Norms, fieldname: str, text: str) -> dict[int, float] | None:
    """BM25F(fieldname:text) of every posting, by global docnum; None when the weighting is not BM25F."""
    params = _params(s, fieldname)
    if params is None:
        return None
    b, k1 = params
    btext = s.schema[fieldname].to_bytes(text)
    out: dict[int, float] = {}
    if s.doc_frequency(fieldname, btext) == 0:
        return out
    idf = s.idf(fieldname, btext)
    avgfl = s.avg_field_length(fieldname) or 1
    table = norms.get(s, fieldname, b, k1, avgfl)
    c1 = k1 + 1
    for ids, raw, n in postings.blocks(fieldname, text):
        ws = _weights(raw, n)
        # idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), as whoosh.scoring.bm25, at C speed
        den = map(add, ws, map(table.__getitem__, ids))
        out.update(zip(ids, map(idf.__mul__, map(truediv, map(c1.__mul__, ws), den))))
    return out


def top(s: Searcher, postings: Postings, norms: Norms, scorer: wq.Or, docs: frozenset[int], need: int) -> list[tuple[int, float]] | None:
    """The first `need` of docs that the scorer matches, by Whoosh's score; None: no shortcut possible."""
    if len(docs) <= SMALL_SET:
        return exact(s, scorer, sorted(docs), postings)  # cheaper to skip_to each hit than to read whole posting lists
    if len(docs) <= MAX_FINALISTS and any(isinstance(c, BestOf) for c in scorer.subqueries):
        # no bounds for a best-of clause: score the hits themselves rather than every posting of every synonym
        return exact(s, scorer, sorted(docs), postings)
    memo: dict[tuple[str, str], dict[int, float]] = {}

    def scores(fieldname: str, text: str) -> dict[int, float] | None:
        key = (fieldname, text)
        if key not in memo:
            got = term_scores(s, postings, norms, fieldname, text)
            if got is None:
                return None
            memo[key] = got
        return memo[key]

    terms: list[tuple[float, dict[int, float]]] = []
    phrases: list[tuple[float, list[dict[int, float]]]] = []
    for clause in scorer.subqueries:
        if isinstance(clause, wq.Term):
            got = scores(clause.fieldname, clause.text)
            if got is None:
                return None
            terms.append((clause.boost, got))
        elif isinstance(clause, wq.Phrase):
            parts = [scores(clause.fieldname, w) for w in clause.words]
            if any(p is None for p in parts):
                return None
            if all(parts):  # a phrase with an absent word matches nothing
                phrases.append((clause.boost, parts))  # type: ignore[arg-type]
        else:
            return None
    # LB(d): the Term clauses' sum (a phrase clause adds ≥ 0); the largest map first, merged at C speed
    terms.sort(key=lambda t: -len(t[1]))
    lb: dict[int, float] = {}
    for boost, got in terms:
        if not lb:
            lb = dict(zip(got, map(boost.__mul__, got.values())))
            continue
        lbget = lb.get
        for d, v in got.items():
            lb[d] = lbget(d, 0.0) + boost * v
    if len(lb) > 2 * len(docs):
        ranked = nlargest(need, ((d, v) for d, v in lb.items() if d in docs), key=itemgetter(1))
    else:
        ranked = nlargest(need, ((d, lb[d]) for d in docs if d in lb), key=itemgetter(1))
    # per-document upper bound: LB + Σ over phrase clauses of boost × their terms' BM25F here, as
    # C-level maps over the candidates (a term shared by several phrases is looked up once)
    coef: dict[int, tuple[float, dict[int, float]]] = {}
    for boost, parts in phrases:
        for p in parts:
            c, _ = coef.get(id(p), (0.0, p))
            coef[id(p)] = (c + boost, p)

    def upper(cands: list[int]) -> Iterable[float]:
        ub: Iterable[float] = map(lb.get, cands, repeat(0.0))
        for c, p in coef.values():
            ub = map(add, ub, map(c.__mul__, map(p.get, cands, repeat(0.0))))
        return ub

    if len(ranked) < need:
        # fewer hits match a Term clause than we need (e.g. the substring-only tier): rank by the upper
        # bounds instead, and score the best of those exactly for the threshold
        pool = sorted(docs)
        ranked = nlargest(need, zip(pool, upper(pool)), key=itemgetter(1))
        if len(ranked) < need or ranked[-1][1] <= 0:
            return exact(s, scorer, pool, postings) if len(docs) <= MAX_FINALISTS else None
        first = exact(s, scorer, sorted(d for d, _ in ranked), postings)
        if len(first) < need:
            return exact(s, scorer, pool, postings) if len(docs) <= MAX_FINALISTS else None
        threshold = min(v for _, v in first)
        floor = threshold - EPSILON * max(1.0, abs(threshold))
        done = {d for d, _ in first}
        finalists = [d for d, u in zip(pool, upper(pool)) if u >= floor and d not in done]
    else:
        # T: the need-th best exact score among the need best lower bounds — a floor for the final need-th
        # score (it is at least the need-th LB, and usually far above it once phrase clauses are counted)
        first = exact(s, scorer, sorted(d for d, _ in ranked), postings)  # Whoosh's scores, so ties order the same way
        if len(first) < need:
            return None
        threshold = min(v for _, v in first)
        margin = EPSILON * max(1.0, abs(threshold))
        # a Phrase clause scores the sum of its terms' BM25F where it matches: at most that, per document
        rest = sum(boost * sum(max(p.values()) for p in parts) for boost, parts in phrases)
        cut = threshold - rest - margin
        done = {d for d, _ in first}
        cands = [d for d, v in lb.items() if v >= cut and d in docs and d not in done]
        if cut <= 0:
            # a hit matching only Phrase clauses (LB 0) could still make the top: bound those one by one
            # too (a phrase matches only where all its words do, so they are in its smallest term map)
            only: set[int] = set()
            for _, parts in phrases:
                only.update(d for d in min(parts, key=len) if d not in lb and d in docs and d not in done)
            cands += sorted(only)
        floor = threshold - margin
        finalists = [d for d, u in zip(cands, upper(cands)) if u >= floor]
    if len(finalists) > MAX_FINALISTS:
        return None
    finalists.sort()
    merged = first + exact(s, scorer, finalists, postings)
    merged.sort(key=lambda x: (-x[1], x[0]))
    return merged[:need]


class _Preread(wq.Term):
    """A Term clause whose matcher replays postings already read (only the documents being scored).

    Its matcher is a ListMatcher with the same weights and the same Whoosh scorer the real Term
    matcher would use, wrapped for the boost the same way, so every clause score, and the Or's sum
    over Whoosh's own matcher tree, is bit-for-bit the one Whoosh computes; it just skips decoding
    posting blocks again (zlib + unpickle per 128 postings) and walking them in Python.
    """

    def __init__(self, term: wq.Term, ids: list[int], weights: list[float]) -> None:
        super().__init__(term.fieldname, term.text, boost=term.boost)
        self.ids = ids  # segment-local docnums
        self.weights = weights

    def matcher(self, searcher: Searcher, context: object = None) -> object:
        if self.fieldname not in searcher.schema:
            return NullMatcher()
        btext = searcher.schema[self.fieldname].to_bytes(self.text)
        if (self.fieldname, btext) not in searcher.reader():
            return NullMatcher()
        weighting = context.weighting if context is not None else searcher.weighting  # type: ignore[attr-defined]
        m = ListMatcher(self.ids, self.weights, scorer=weighting.scorer(searcher, self.fieldname, btext))
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


class _Only(WrappingMatcher):
    """A posting matcher that stops only at the given (sorted, local) docnums; scores, values and spans
    are the real matcher's. Inside a phrase, Whoosh then computes spans only for the documents being
    scored instead of for every document with all the phrase's words up to the next match."""

    def __init__(self, child: object, allowed: list[int]) -> None:
        super().__init__(child)
        self.allowed = allowed
        self.i = 0
        self._align()

    def _align(self) -> None:
        child, allowed = self.child, self.allowed
        while self.i < len(allowed) and child.is_active():
            cid, want = child.id(), allowed[self.i]
            if cid == want:
                return
            if cid < want:
                child.skip_to(want)
            else:
                self.i = bisect_left(allowed, cid, self.i)

    def is_active(self) -> bool:
        return self.i < len(self.allowed) and self.child.is_active()

    def next(self) -> None:
        self.child.next()
        self._align()

    def skip_to(self, id: int) -> None:
        if self.child.is_active() and self.child.id() < id:
            self.child.skip_to(id)
        self._align()

    def score(self) -> float:
        return self.child.score()

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality: float = 0) -> object:
        return self if self.is_active() else NullMatcher()

    def copy(self) -> "_Only":
        return _Only(self.child.copy(), self.allowed)


class _OnlyTerm(wq.Term):
    def __init__(self, fieldname: str, text: bytes, allowed: list[int]) -> None:
        super().__init__(fieldname, text)
        self.allowed = allowed

    def matcher(self, searcher: Searcher, context: object = None) -> object:
        m = super().matcher(searcher, context)
        return _Only(m, self.allowed) if m.is_active() else m


class _OnlyPhrase(wq.Phrase):
    """wq.Phrase whose matcher is Whoosh's own (Phrase.matcher, whoosh 2.7.4) over _Only word matchers."""

    def __init__(self, phrase: wq.Phrase, allowed: list[int]) -> None:
        super().__init__(phrase.fieldname, phrase.words, slop=phrase.slop, boost=phrase.boost, char_ranges=phrase.char_ranges)
        self.allowed = allowed

    def matcher(self, searcher: Searcher, context: object = None) -> object:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh's own error
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (fieldname, btext) not in reader:
                return NullMatcher()
            terms.append(_OnlyTerm(fieldname, btext, self.allowed))
        m = wq.SpanNear2(terms, slop=self.slop, ordered=True, mindist=1).matcher(searcher, context)
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


def _picked(postings: Postings, fieldname: str, text: str, want: list[int]) -> tuple[list[int], list[float]]:
    """The postings of fieldname:text among the (sorted, global) docnums want: docnums and float32 weights."""
    out_ids: list[int] = []
    out_w: list[float] = []
    for ids, raw, n in postings.blocks(fieldname, text):
        if not n:
            continue
        i0 = bisect_left(want, ids[0])
        i1 = bisect_right(want, ids[n - 1])
        if i0 == i1:
            continue
        ws = raw if isinstance(raw, array) and raw.typecode == "f" else array("f", _weights(raw, n))
        for d in want[i0:i1]:
            j = bisect_left(ids, d)
            if j < n and ids[j] == d:
                out_ids.append(d)
                out_w.append(ws[j])
    return out_ids, out_w


def _restricted(q: wq.Or, postings: Postings | None, mine: list[int], offset: int) -> wq.Or:
    """q for one segment's docnums mine (global, sorted): Term clauses whose postings this query has
    already read replay them (_Preread), Phrase clauses check only these documents (_OnlyPhrase)."""
    local = [d - offset for d in mine]
    subs: list[wq.Query] = []
    for clause in q.subqueries:
        if type(clause) is wq.Term and postings is not None and postings.has(clause.fieldname, clause.text):
            ids, weights = _picked(postings, clause.fieldname, clause.text, mine)
            subs.append(_Preread(clause, [d - offset for d in ids], weights))
        elif type(clause) is wq.Phrase:
            subs.append(_OnlyPhrase(clause, local))
        elif isinstance(clause, BestOf):  # a concept: restrict the clauses of each of its alternatives too
            alts = [_restricted(a, postings, mine, offset) if type(a) is wq.Or else a for a in clause.subqueries]
            subs.append(BestOf(alts, boost=clause.boost, first_wins=clause.first_wins))
        else:
            subs.append(clause)
    return q.__class__(subs, boost=q.boost, minmatch=q.minmatch, scale=q.scale)


def exact(s: Searcher, q: wq.Query, docnums: list[int], postings: Postings | None = None) -> list[tuple[int, float]]:
    """Whoosh's own scores of the given (sorted) docnums, ordered score descending then docnum.

    An Or is matched clause for clause as Whoosh would (same matcher tree, same scorers, so the same
    floats), but only over these documents: see _restricted.
    """
    context = s.context()
    scored: list[tuple[int, float]] = []
    leaves = list(s.leaf_searchers())
    for i, (sub, offset) in enumerate(leaves):
        end = leaves[i + 1][1] if i + 1 < len(leaves) else None
        mine = [d for d in docnums if d >= offset and (end is None or d < end)]
        if not mine:
            continue
        m = (_restricted(q, postings, mine, offset) if type(q) is wq.Or else q).matcher(sub, context)
        for d in mine:
            if not m.is_active():
                break
            local = d - offset
            if m.id() < local:
                m.skip_to(local)
                if not m.is_active():
                    break
            if m.id() == local:
                scored.append((d, m.score()))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored
