"""Semantic retrieval (opt-in): the build's paragraph embeddings as a second retriever beside BM25.

Only when the build has vectors (`reindex --semantic`, indexer/index/semantic.py), the model is installed,
the caller asks (search(semantic=True)), expansion is on and the query is not all quoted phrases: with fewer
than SEMANTIC_BELOW full matches, the paragraphs nearest the query that no other rule listed fill the first
page after the full, partial and related ones, labelled 语义相近. Full matches keep their order: re-ordering
them by reciprocal rank fusion with the similarity ranking (tried, issue 20) made existing judged queries worse
for −0.005 on the blind set and +0.004 on the development set (bench/RESULTS.md, "Issue 20, third pass"), and the query
is embedded (~12 ms) only when nearest paragraphs can be listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.index.semantic import SemanticUnavailable, build_root, load_embedder, read_vectors, vectors_path
from indexer.index.store import OpenIndex
from indexer.search.evaluation.context import BuildContext

SEMANTIC_BELOW = 10  # semantic-only hits are listed only when fewer full matches than this
VECTORS_SLOT = "search.semantic.vectors"
EMBEDDER_SLOT = "search.semantic.embedder"


@dataclass(frozen=True)
class BuildVectors:
    """One build's paragraph vectors: row_of[docnum] is its row in matrix (-1: none)."""

    row_of: np.ndarray
    matrix: np.ndarray  # float32, n × dim, L2-normalised

    def similarity(self, qvec: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Cosine similarity of each doc to the query vector (-inf for docs without a vector)."""
        rows = self.row_of[docs]
        out = np.full(len(docs), -np.inf, dtype=np.float32)
        has = rows >= 0
        out[has] = self.matrix[rows[has]] @ qvec
        return out


def _load(ctx: BuildContext, open_index: OpenIndex) -> BuildVectors | None:
    read = read_vectors(vectors_path(build_root(open_index), open_index.build_id))
    if read is None:
        return None
    ids, _hashes, vectors = read
    reports = ctx.columns["report"]
    doc_ids = np.char.add(np.char.add(np.array(reports.values, dtype=str)[np.maximum(reports.of, 0)], "-p"),
                          ctx.position.astype(str))
    row_by_id = {pid: n for n, pid in enumerate(ids)}
    row_of = np.array([row_by_id.get(str(pid), -1) for pid in doc_ids], dtype=np.int64)
    return BuildVectors(row_of, vectors.astype(np.float32))


def build_vectors(ctx: BuildContext, open_index: OpenIndex) -> BuildVectors | None:
    """The build's vectors, read once per build (None when it was not built with --semantic)."""
    return open_index.slot(VECTORS_SLOT, lambda: _load(ctx, open_index))


def model_ready(open_index: OpenIndex) -> bool:
    """Whether the embedding model is installed (loaded once per build, as query_vector uses it)."""
    try:
        open_index.slot(EMBEDDER_SLOT, load_embedder)
    except SemanticUnavailable:
        return False
    return True


def query_vector(open_index: OpenIndex, q: str) -> np.ndarray:
    """The query's embedding ("query: " prefix), the model loaded once per build."""
    embedder = open_index.slot(EMBEDDER_SLOT, load_embedder)
    return np.asarray(embedder.query(q), dtype=np.float32).reshape(-1)


def nearest(vectors: BuildVectors, qvec: np.ndarray, pool: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` paragraphs of pool most similar to the query, with their similarity."""
    if count <= 0 or not len(pool):
        return []
    sim = vectors.similarity(qvec, pool)
    keep = np.isfinite(sim)
    pool, sim = pool[keep], sim[keep]
    top = np.argsort(-sim, kind="stable")[:count]
    return [(int(pool[i]), float(sim[i])) for i in top]
