"""Sets of documents as sorted, distinct intp docnum arrays: the one representation of a hit set.

Nothing converts them to Python sets: AND is a binary-search intersection, OR a union through a boolean
mask, NOT a difference; all O(n log n) or O(docnums) in numpy. The dtype is numpy's index type because hit
sets index the build's columns and masks all the time: numpy converts any other index array first (an int32
one made such gathers about three times slower).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.index.arrays import EMPTY

DENSE = 16  # a set this dense (elements × DENSE > its range) is intersected through a mask
FEW = 512  # …unless one side has fewer elements than this: a binary search each is cheaper than any mask
SPARSE_UNION = 8  # a union with fewer elements than its range / this is merged, not marked in a mask
MAX_MASK = 1 << 31  # docnums and position keys beyond this go through binary search (no giant masks)


def members(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A boolean per element of a (sorted, distinct): whether it is in b (sorted, distinct).

    Dense sets (many elements for their range) go through a boolean mask, O(|a| + |b|); sparse ones
    through a binary search of the smaller in the larger, O(small · log large).
    """
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    top = int(max(a[-1], b[-1])) + 1
    if min(len(a), len(b)) >= FEW and (len(a) + len(b)) * DENSE > top and top <= MAX_MASK:
        mask = np.zeros(top, dtype=bool)
        mask[b] = True
        return mask[a]
    if len(a) <= len(b):
        at = np.searchsorted(b, a)
        np.minimum(at, len(b) - 1, out=at)
        return b[at] == a
    out = np.zeros(len(a), dtype=bool)
    at = np.searchsorted(a, b)
    np.minimum(at, len(a) - 1, out=at)
    out[at[a[at] == b]] = True
    return out


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique a ∩ b: the smaller array's docnums looked up in the larger (binary search)."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small) or not len(large):
        return EMPTY
    return small[members(small, large)]


def minus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique a − b."""
    if not len(a) or not len(b):
        return a
    return a[~members(a, b)]


def union(arrays: Sequence[np.ndarray], size: int | None = None) -> np.ndarray:
    """Sorted unique union: few elements for their range merged (a stable sort merges the sorted runs), many
    marked in a boolean mask and read back in order (O(docnums))."""
    got = [a for a in arrays if len(a)]
    if len(got) <= 1:
        return got[0] if got else EMPTY
    top = size if size is not None else max(int(a[-1]) for a in got) + 1
    if sum(len(a) for a in got) * SPARSE_UNION <= top:
        merged = np.concatenate(got)
        merged.sort(kind="stable")
        return distinct(merged)
    mask = np.zeros(top, dtype=bool)
    for a in got:
        mask[a] = True
    return np.flatnonzero(mask)


def distinct(docs: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a sorted array (runs collapsed)."""
    if len(docs) < 2:
        return docs.astype(np.intp)
    keep = np.empty(len(docs), dtype=bool)
    keep[0] = True
    np.not_equal(docs[1:], docs[:-1], out=keep[1:])
    return docs[keep].astype(np.intp, copy=False)
