"""What issue 20's expansions cost at scale: query CPU per configuration, and semantic retrieval's price.

    .venv/bin/python -m bench.meaning_cost --index DIR [--corpus DIR] [--sample 300]

Query latency: PEER_MIX (issue 17's 30 queries) in-process on a build of the generated corpus (--index; built
from --corpus when missing), each query's median CPU over 5 runs after a warm-up (bench.peers.measure_engines),
p50/p95 over the 30 medians, for: no expansion (expand=0); the synonyms file alone (issue 17's default);
synonyms + vocabulary; + related paragraphs (what the page asks for); + semantic; and 30 keys of the concept
thesaurus (indexer/vocab/concepts.txt) as queries, the page with and without it. Semantic: --sample
paragraphs of the build are embedded (1 thread) for the CPU and wall time per paragraph, × the build's paragraphs for a full
`reindex --semantic`; the vectors file is written at full size with the sample's real vectors and random unit
vectors for the rest (the search's cost depends on the matrix's size, not on its values; the answers of that
configuration mean nothing, only its time), and the query's embedding is timed on its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from bench import measure
from bench.peers import measure_engines
from bench.queries import PEER_MIX


def main(argv: list[str] | None = None) -> int:
    """Print the markdown tables."""
    from indexer.config import CONCEPTS_FILE, default_synonyms_path, default_vocabulary_paths
    from indexer.export import iter_paragraphs
    from indexer.index.build import build_index
    from indexer.index.semantic import PASSAGE_CHARS, embed_paragraphs, load_embedder, text_hash, write_vectors
    from indexer.index.store import Store
    from indexer.search.engine import search
    from indexer.search.language.synonyms import load_synonyms

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    if not (args.index / "CURRENT").exists():
        if args.corpus is None:
            raise SystemExit(f"{args.index} has no build: give --corpus")
        build_index(args.corpus, args.index, procs=1)
    store = Store(args.index)
    opened = store.current()
    with opened.hold():
        paragraphs = list(iter_paragraphs(opened))
    n = len(paragraphs)
    before = load_synonyms(default_synonyms_path())
    paths = default_vocabulary_paths()
    vocab = load_synonyms(default_synonyms_path(), *paths)
    mix = list(PEER_MIX)

    # semantic: embed a sample, write full-size vectors (sample real, the rest random unit vectors)
    embedder = load_embedder()
    rng = np.random.default_rng(20)
    sample = [paragraphs[i] for i in sorted(rng.choice(n, size=min(args.sample, n), replace=False).tolist())]
    t0, c0 = time.perf_counter(), time.process_time()
    _ids, _h, real, _new = embed_paragraphs(sample, embedder, None)
    per_para = (time.perf_counter() - t0) / len(sample)
    per_para_cpu = (time.process_time() - c0) / len(sample)  # the model runs in this process, on 1 thread
    filler = rng.standard_normal((n, real.shape[1])).astype(np.float32)
    filler /= np.linalg.norm(filler, axis=1, keepdims=True)
    vectors = filler.astype(np.float16)
    by_id = {p["id"]: k for k, p in enumerate(paragraphs)}
    for k, p in enumerate(sample):
        vectors[by_id[p["id"]]] = real[k]
    hashes = np.frombuffer(b"".join(text_hash(p["text"]) for p in paragraphs), dtype=np.uint8).reshape(n, 8)
    path = write_vectors(args.index, opened.build_id, [p["id"] for p in paragraphs], hashes, vectors)
    q_embed = []
    for q in mix:
        c0 = time.process_time()
        embedder.query(q)
        q_embed.append((time.process_time() - c0) * 1000)

    configs = {
        "expand=0": lambda i: search(store, mix[i], synonyms=vocab, expand=False),
        "synonyms file (issue 17)": lambda i: search(store, mix[i], synonyms=before),
        "+ vocabulary": lambda i: search(store, mix[i], synonyms=vocab),
        "+ related (the page)": lambda i: search(store, mix[i], synonyms=vocab, related=True),
        "+ semantic": lambda i: search(store, mix[i], synonyms=vocab, related=True, semantic=True),
    }
    got = measure_engines(configs, len(mix), args.repeats)
    # the concept thesaurus acts only on its keys: 30 of them (every 7th) as queries, with and without it
    thesaurus = [p for p in paths if p.name == CONCEPTS_FILE]
    keys = list(load_synonyms(thesaurus[0]).mapping)[::7][:30] if thesaurus else []
    without = load_synonyms(default_synonyms_path(), *(p for p in paths if p.name != CONCEPTS_FILE))
    by_key = measure_engines({
        "concept keys, expand=0": lambda i: search(store, keys[i], synonyms=vocab, expand=False),
        "concept keys, the page without the thesaurus": lambda i: search(store, keys[i], synonyms=without, related=True),
        "concept keys, the page": lambda i: search(store, keys[i], synonyms=vocab, related=True),
    }, len(keys), args.repeats) if keys else {}
    lines = [f"Build: {n} paragraphs ({args.index}); machine: {measure.machine_facts()}", "",
             "| configuration | p50 CPU ms | p95 CPU ms | max CPU ms |", "|---|---:|---:|---:|"]
    for name, row in (got | by_key).items():
        cpu = row["cpu"]
        lines.append(f"| {name} | {measure.percentile(cpu, 50):.2f} | {measure.percentile(cpu, 95):.2f} | {max(cpu):.2f} |")
    lines += ["", "| semantic cost | value |", "|---|---:|",
              f"| embedding, CPU ms per paragraph (1 thread, first {PASSAGE_CHARS} chars, {len(sample)} sampled) "
              f"| {per_para_cpu * 1000:.1f} |",
              f"| embedding, wall ms per paragraph (the same; a shared machine's wall time) | {per_para * 1000:.1f} |",
              f"| `reindex --semantic` of all {n} paragraphs, estimated CPU hours (1 thread) | {per_para_cpu * n / 3600:.2f} |",
              f"| vectors file, MB | {path.stat().st_size / 2**20:.1f} |",
              f"| query embedding, CPU ms p50 / p95 | {statistics.median(q_embed):.1f} / {measure.percentile(q_embed, 95):.1f} |"]
    store.close()
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
