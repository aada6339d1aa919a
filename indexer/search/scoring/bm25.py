"""BM25F term scores over the posting arrays: the same IEEE operations, in the same order, as Whoosh's
BM25F (whoosh.scoring.bm25) applied to the same statistics, so each term's score is Whoosh's, bit for bit.

Statistics, as Whoosh computes them over a build (deleted paragraphs count until a merge):
- N: every document of every segment (doc_count_all); df: postings of the term in every segment;
- idf = log(N / (df + 1)) + 1;
- the document's field length is Whoosh's one-byte quantisation of its token count (byte_to_length),
  the average length the exact total over N;
- score = idf × (tf × (K1 + 1)) / (tf + K1 × ((1 − B) + B × length / average)).
With only 256 length bytes, the denominator's length part is a 256-entry table per field.
"""

from __future__ import annotations

from math import log

import numpy as np

from indexer.index.postings import quantised_lengths
from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.terms import Postings

_BYTES = np.arange(256)


class BM25F:
    """Per build: the length tables of each field (made on first use; read-only after)."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.k1 = ctx.k1
        self.tables: dict[str, np.ndarray] = {}

    def table(self, fieldname: str) -> np.ndarray:
        """K1 × ((1 − B) + B × length / average) for each length byte."""
        got = self.tables.get(fieldname)
        if got is None:
            b, k1 = self.ctx.b, self.ctx.k1
            average = self.ctx.total_lengths.get(fieldname, 0) / (self.ctx.size or 1) or 1
            lengths = quantised_lengths(_BYTES).tolist()
            got = self.tables[fieldname] = np.array([k1 * ((1 - b) + b * fl / average) for fl in lengths])
        return got

    def idf(self, df: int) -> float:
        """Whoosh's idf of a term with df postings."""
        return log(self.ctx.size / (df + 1)) + 1

    def scores(self, fieldname: str, p: Postings, pick: np.ndarray | None = None) -> np.ndarray:
        """The term's BM25F in each posting (or each posting of pick, indexes into p.docs)."""
        docs = p.docs if pick is None else p.docs[pick]
        tf = (p.tf if pick is None else p.tf[pick]).astype(np.float64)
        # take: indexing with the uint8 length bytes themselves would convert them to intp first, far slower
        denominator = self.table(fieldname).take(self.ctx.lengths[fieldname][docs])
        return self.idf(p.df) * ((tf * (self.k1 + 1)) / (tf + denominator))


def bm25f(ctx: BuildContext) -> BM25F:
    """The build's BM25F (one per build, kept in the context's slots)."""
    got = ctx.slots.get("bm25f")
    if got is None:
        got = ctx.slots["bm25f"] = BM25F(ctx)
    return got  # type: ignore[return-value]
