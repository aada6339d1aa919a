"""Building one segment's posting arrays from its documents' tokens, as whole-array operations.

The segment writer (indexer/index/segments.py) hands each full-text field's tokens over document by
document; nothing is done per posting in Python. At the end of the segment:

- word fields (``text``, ``section``, ``lead``): each token was mapped to a term id as it arrived; the
  tokens are then ordered by term (a stable sort keeps document and position order), runs of equal
  (term, document) become postings, run lengths their term frequencies;
- the bigram field (``text_bi``): computed from the folded texts' code points at once — whitespace
  dropped, each pair of neighbouring characters of one document a 42-bit key, ``np.unique`` the terms.

Positions are token order numbers within the field value (what Whoosh's Positions format stores), so a
phrase is "term i at position p, term i+1 at p+1". Field lengths are quantised to Whoosh's length byte,
because BM25F reads them that way (indexer/search/scoring/bm25.py).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from indexer.index.whoosh_compat import byte_to_length

_LENGTH_CACHE = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)
_SPACES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)  # none above U+3000
_CHAR_BITS = 21  # a code point fits in 21 bits: a bigram is one 42-bit key


@dataclass
class FieldPostings:
    """One field's postings in one segment: sorted terms, and per term its postings and positions."""

    terms: list[bytes]  # UTF-8, sorted
    offsets: np.ndarray  # int64 (terms + 1): term i's postings are docs[offsets[i]:offsets[i+1]]
    docs: np.ndarray  # int32 segment-local docnums, ascending within a term
    tf: np.ndarray  # uint8/16/32: positions per posting
    pstart: np.ndarray  # int64 (terms + 1): term i's positions start (each posting's tf of them, in order)
    positions: np.ndarray  # uint16/uint32 token order numbers, ascending within a posting
    lengths: np.ndarray  # uint8 per document: Whoosh's length byte of the field's token count
    total_length: int  # the exact token count of the field over every document (BM25F's average length)


def length_bytes(counts: np.ndarray) -> np.ndarray:
    """Whoosh's length_to_byte of each count, vectorised (byte_to_length is monotone)."""
    out = np.searchsorted(_LENGTH_CACHE, counts, side="left")
    out[counts >= 108116] = 255  # whoosh.util.numeric.length_to_byte's cap
    return out.astype(np.uint8)


def quantised_lengths(lengths: np.ndarray) -> np.ndarray:
    """The length BM25F reads for each length byte (Whoosh's byte_to_length), as float64."""
    return _LENGTH_CACHE[lengths].astype(np.float64)


def _smallest(values: np.ndarray, floor: type = np.uint8) -> np.ndarray:
    top = int(values.max()) if len(values) else 0
    return values.astype(np.promote_types(floor, np.min_scalar_type(top)))


def _postings(term_of_token: np.ndarray, doc_of_token: np.ndarray, pos_of_token: np.ndarray, nterms: int,
              counts: np.ndarray, terms: list[bytes]) -> FieldPostings:
    """Tokens (term rank, docnum, position; in document then position order) → postings by term."""
    order = np.argsort(term_of_token, kind="stable")  # keeps document and position order within a term
    term = term_of_token[order]
    doc = doc_of_token[order]
    n = len(term)
    starts = np.ones(n, dtype=bool)
    if n:
        starts[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
    first = np.flatnonzero(starts)
    tf = np.diff(np.append(first, n))
    bounds = np.arange(nterms + 1)
    return FieldPostings(
        terms=terms,
        offsets=np.searchsorted(term[first], bounds).astype(np.int64),
        docs=doc[first].astype(np.int32),
        tf=_smallest(tf),
        pstart=np.searchsorted(term, bounds).astype(np.int64),
        positions=_smallest(pos_of_token[order], np.uint16),
        lengths=length_bytes(counts),
        total_length=int(counts.sum()),
    )


def _token_docs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For tokens laid out document after document (counts per document): each one's docnum and position."""
    docs = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    starts = np.cumsum(counts) - counts
    positions = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    return docs, positions


class WordTokens:
    """One segment's word tokens of one field, document by document, as term ids."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.ids = array("i")
        self.counts = array("i")

    def add(self, terms: list[str]) -> None:
        """The next document's tokens, in position order (an empty list for a document without the field)."""
        vocab = self.vocab
        self.ids.extend([vocab.setdefault(t, len(vocab)) for t in terms])
        self.counts.append(len(terms))

    def finish(self) -> FieldPostings:
        """The field's postings."""
        encoded = [t.encode("utf-8", "surrogatepass") for t in self.vocab]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        rank = np.empty(len(order), dtype=np.int32)
        rank[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        counts = np.frombuffer(self.counts, dtype=np.int32).astype(np.int64)
        docs, positions = _token_docs(counts)
        ids = np.frombuffer(self.ids, dtype=np.int32)
        return _postings(rank[ids] if len(ids) else ids, docs, positions, len(order), counts,
                         [encoded[i] for i in order])


class BigramTokens:
    """One segment's bigram tokens (``text_bi``): the folded texts, turned into bigrams all at once."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, folded: str) -> None:
        """The next document's folded text (analysis.normalize), "" for none."""
        self.texts.append(folded)

    def finish(self) -> FieldPostings:
        """The field's postings: analysis.bigram_terms of every text, with positions."""
        ndocs = len(self.texts)
        sizes = np.fromiter(map(len, self.texts), np.int64, ndocs)
        cps = np.frombuffer("".join(self.texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self.texts = []  # the code points hold them now; a writer finishes once
        doc = np.repeat(np.arange(ndocs, dtype=np.int32), sizes)
        keep = ~np.isin(cps, _SPACES)
        cps, doc = cps[keep], doc[keep]
        del keep, sizes  # temporaries go as soon as they are used: a segment's peak is this method's
        kept = np.bincount(doc, minlength=ndocs).astype(np.int64)
        # bigrams: neighbours within one document; a document of one character is that character alone
        pair = doc[1:] == doc[:-1] if len(doc) else np.zeros(0, dtype=bool)
        token_key = (cps[:-1][pair].astype(np.uint64) << np.uint64(_CHAR_BITS)) | cps[1:][pair].astype(np.uint64)
        token_doc = doc[:-1][pair]
        del pair
        lone = np.flatnonzero(kept == 1)
        # tokens come out in document order; a lone character sorts among them by its docnum
        if len(lone):
            where = np.cumsum(kept) - 1
            lone_keys = cps[where[lone]].astype(np.uint64) << np.uint64(_CHAR_BITS)
            at = np.searchsorted(token_doc, lone)
            token_key = np.insert(token_key, at, lone_keys)
            token_doc = np.insert(token_doc, at, lone.astype(np.int32))
        del cps, doc
        counts = np.bincount(token_doc, minlength=ndocs).astype(np.int64)
        _docs, positions = _token_docs(counts)
        del _docs
        uniq, inverse = np.unique(token_key, return_inverse=True)
        del token_key
        term_of_token = inverse.astype(np.int32).reshape(-1)
        del inverse
        mask = np.uint64((1 << _CHAR_BITS) - 1)
        firsts = (uniq >> np.uint64(_CHAR_BITS)).tolist()
        seconds = (uniq & mask).tolist()
        terms = [(chr(a) + chr(b) if b else chr(a)).encode("utf-8", "surrogatepass") for a, b in zip(firsts, seconds)]
        return _postings(term_of_token, token_doc, positions, len(terms), counts, terms)
