"""Relevance on the blind judged set (issue 20) and on the existing judged sets: nDCG@10 per method.

    .venv/bin/python -m bench.meaning [--generated DIR | --bundled-only] [--methods ours,ours-expand0,naive] [--per-query]

The blind set (tests/data/blind_judged.toml) was written and judged by an assessor who never saw the
synonyms file, the tests or the engine's output: colloquial words, concepts and pairs of concepts.
Its `bundled` judgments are scored on the bundled corpus, its `generated` ones on the generated
10k-paragraph corpus (bench.generate, seed 20240101, benchmark prose): built here, or --generated names
a prebuilt copy (read only). The existing sets (bench/data/judged.py) are scored on the bundled corpus.
Each method is a way of ranking: the engine with every expansion (`ours`), with none (`ours-expand0`),
the engine before issue 20 (`synonyms`: the synonyms file alone), with the vocabulary (`+vocab`: indexer/vocab/),
with related paragraphs (`+related`), `-unseen`: the vocabulary less the lines keyed by a blind query word
(what it is worth on words it was not written for; the synonyms file, older than the blind set, stays whole),
`+concepts`: the synonyms file and the concept thesaurus alone (indexer/vocab/concepts.txt), `ours-noconcepts`:
the page without the thesaurus, `sentence-first`: an experiment, not the engine: the page's hits with the 同句
hits of a query of two or more words moved first, across the tiers; naive Whoosh + jieba (bench/naive.py;
chunks credited to the paragraph sharing the most bigrams).
--judged scores another set of the same format in the blind set's place (bench/data/dev_judged.toml: the
development set, the one to try ideas on).
Prints markdown tables: per set and kind, then per query. --bundled-only skips the generated corpus (the semantic
methods embed every paragraph of a corpus: seconds for the bundled one, ~30 CPU minutes for the 10k one).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.data import judged
from bench.generate import REPO_ROOT, ensure_corpus
from bench.relevance import Grades, chunk_to_paragraph, resolve

BLIND = REPO_ROOT / "tests" / "data" / "blind_judged.toml"
SEED = 20240101
Rank = Callable[[str], list[str]]


@dataclass(frozen=True)
class BlindQuery:
    """One blind query: its text, kind and judgments on each corpus."""

    q: str
    kind: str
    bundled: list[tuple[int, str]]
    generated: dict[str, int]


def load_blind(path: Path = BLIND) -> list[BlindQuery]:
    """The blind judged queries from the TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for item in data["query"]:
        gen: dict[str, int] = {}
        for grade, pid in item.get("generated", []):
            gen[pid] = max(int(grade), gen.get(pid, 0))
        out.append(BlindQuery(item["q"], item["kind"], [(int(g), p) for g, p in item.get("bundled", [])], gen))
    return out


@dataclass
class Corpus:
    """One built corpus: its store, its paragraphs, the naive index and how to map naive chunks."""

    store: object
    paragraphs: list[dict]
    naive: object
    to_paragraph: Callable[[str, str], str]


def open_corpus(corpus_dir: Path, work: Path, vectors: Path | None = None) -> Corpus:
    """Build our index and the naive one of corpus_dir under work; with vectors (a file of
    indexer/index/semantic.py's format, from an earlier run), the build gets them as `reindex --semantic` would."""
    from bench.naive import build_naive
    from indexer.export import iter_paragraphs
    from indexer.index.build import build_index
    from indexer.index.semantic import embed_paragraphs, load_embedder, save_vectors, write_vectors
    from indexer.index.store import Store

    build_index(corpus_dir, work / "ours", procs=1)
    store = Store(work / "ours")
    paragraphs = list(iter_paragraphs(store))
    if vectors is not None:
        ids, hashes, matrix, embedded = embed_paragraphs(paragraphs, load_embedder(), vectors if vectors.is_file() else None)
        write_vectors(work / "ours", store.current().build_id, ids, hashes, matrix)
        if not vectors.is_file():
            save_vectors(vectors, ids, hashes, matrix)  # the cache for the next run
        print(f"{corpus_dir}: {embedded} paragraphs embedded now, {len(ids) - embedded} from {vectors}", file=sys.stderr)
    naive = build_naive(corpus_dir, work / "naive")
    by_report: dict[str, list[dict]] = {}
    for p in paragraphs:
        by_report.setdefault(p["report"], []).append(p)
    mappers = {r: chunk_to_paragraph(ps) for r, ps in by_report.items()}
    return Corpus(store, paragraphs, naive, lambda report, text: mappers[report](text) if report in mappers else "")


def methods(corpus: Corpus, wanted: list[str]) -> dict[str, Rank]:
    """The ranking functions named in wanted, over one corpus (first page, 10 hits)."""
    from indexer.config import CONCEPTS_FILE, default_synonyms_path, default_vocabulary_paths
    from indexer.search.engine import search
    from indexer.search.language.synonyms import Synonyms, load_synonyms, merged

    before = load_synonyms(default_synonyms_path())
    files = {p.name: load_synonyms(p) for p in default_vocabulary_paths()}  # each vocabulary file read once
    vocab = merged(before, *files.values())
    blind_words = {w for b in load_blind() for w in (b.q, *b.q.split())}
    # the vocabulary less every line keyed by a blind query word: what it is worth on words nobody wrote it for.
    # The colloquial map's author had read the blind query words; the thesaurus's authors had not, but their
    # instructions were written by someone who had, and named some of those themes: neither counts there.
    unseen = merged(before, *(Synonyms({k: v for k, v in got.mapping.items() if k not in blind_words}, got.entries,
                                       got.terms) for got in files.values()))
    no_concepts = merged(before, *(got for name, got in files.items() if name != CONCEPTS_FILE))
    concepts_only = merged(before, *(got for name, got in files.items() if name == CONCEPTS_FILE))
    store = corpus.store

    def ours(synonyms: Synonyms, **kw: object) -> Rank:
        return lambda q: [h["id"] for h in search(store, q, synonyms=synonyms, **kw)["hits"]]  # type: ignore[arg-type]

    def sentence_first(q: str) -> list[str]:
        base = ours(vocab, related=True)(q)
        if len(q.split()) < 2:
            return base
        same = [h["id"] for h in search(store, q, synonyms=vocab, sentence=True)["hits"] if not h.get("partial")]
        return (same + [x for x in base if x not in same])[:10]

    def naive(q: str) -> list[str]:
        return [corpus.to_paragraph(h["report"], h["text"]) for h in corpus.naive.search(q)["hits"]]  # type: ignore[attr-defined]

    table: dict[str, Callable[[], Rank]] = {
        "ours": lambda: ours(vocab, related=True),  # everything on (what the page shows)
        "ours-expand0": lambda: ours(vocab, expand=False),
        "synonyms": lambda: ours(before),  # the engine before issue 20
        "+vocab": lambda: ours(vocab),
        "+concepts": lambda: ours(concepts_only),  # the synonyms file and the concept thesaurus alone
        "ours-noconcepts": lambda: ours(no_concepts, related=True),  # the page without the concept thesaurus
        "+vocab-unseen": lambda: ours(unseen),
        "+related": lambda: ours(before, related=True),
        "+related-nofilter": lambda: ours(Synonyms(vocab.mapping, vocab.entries), related=True),
        "all-unseen": lambda: ours(unseen, related=True),
        "+semantic": lambda: ours(before, semantic=True),
        "ours+semantic": lambda: ours(vocab, related=True, semantic=True),
        "all-unseen+semantic": lambda: ours(unseen, related=True, semantic=True),
        "sentence-first": lambda: sentence_first,
        "naive": lambda: naive,
    }
    return {name: table[name]() for name in wanted}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def score_set(ranks: dict[str, Rank], grades: Grades) -> dict[str, dict[str, float]]:
    """{method: {query: nDCG@10}}."""
    return {name: {q: judged.ndcg_at(rank(q), g) for q, g in grades.items()} for name, rank in ranks.items()}


def table(rows: list[tuple[str, int, dict[str, float]]], names: list[str]) -> list[str]:
    """Markdown rows: a label, n, then one mean per method."""
    out = ["| set | n | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for label, n, means in rows:
        out.append(f"| {label} | {n} | " + " | ".join(f"{means[m]:.3f}" for m in names) + " |")
    return out


def run(generated: Path | None, wanted: list[str], per_query: bool, vectors: Path | None = None,
        bundled_only: bool = False, judged_path: Path = BLIND) -> list[str]:
    """Build both corpora (or the bundled one only), score every set with every method; the markdown lines.
    judged_path: the set scored as "blind" (another set of the same format: the development set)."""
    blind = load_blind(judged_path)
    lines: list[str] = []
    semantic = any("semantic" in w for w in wanted)
    if semantic and vectors is None:
        raise SystemExit("semantic methods need --vectors DIR (a cache of the embeddings: made on the first run, reused after)")
    cache = {name: vectors / f"{name}.npz" for name in ("bundled", "generated")} if semantic and vectors else {}
    if semantic and not bundled_only and not cache["generated"].is_file():
        print(f"embedding the generated corpus into {cache['generated']}: hours on a 2-core machine", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        bundled = open_corpus(REPO_ROOT / "corpus", Path(tmp) / "bundled", cache.get("bundled"))
        b_ranks = methods(bundled, wanted)
        b_scores = score_set(b_ranks, resolve({b.q: b.bundled for b in blind if b.bundled}, bundled.paragraphs))
        g_scores: dict[str, dict[str, float]] = {m: {} for m in wanted}
        if not bundled_only:
            if generated is None:
                generated = ensure_corpus(10_000, Path(tmp), SEED, REPO_ROOT.parent / "shared" / "benchdata"
                                          / "government_work_reports.jsonl")
            gen = open_corpus(generated, Path(tmp) / "generated", cache.get("generated"))
            known = {p["id"] for p in gen.paragraphs}
            lost = [pid for b in blind for pid in b.generated if pid not in known]
            if lost:
                raise SystemExit(f"{len(lost)} judged generated ids are not in {generated} (e.g. {lost[:3]}): wrong corpus")
            g_scores = score_set(methods(gen, wanted), {b.q: b.generated for b in blind if b.generated})
        old_sets = {"exact (original)": judged.JUDGED, **judged.MEANING_KINDS}
        old_scores = {name: score_set(b_ranks, resolve(pieces, bundled.paragraphs)) for name, pieces in old_sets.items()}

    def means(scores: dict[str, dict[str, float]], queries: list[str]) -> dict[str, float]:
        return {m: _mean([scores[m][q] for q in queries if q in scores[m]]) for m in wanted}

    rows = []
    label = "blind" if judged_path == BLIND else judged_path.stem
    parts = ((f"{label}, bundled", b_scores),) if bundled_only else ((f"{label}, bundled", b_scores),
                                                                      (f"{label}, generated", g_scores))
    for part, scores in parts:
        for kind in ("colloquial", "concept", "pair"):
            qs = [b.q for b in blind if b.kind == kind and b.q in scores[wanted[0]]]
            rows.append((f"{part}: {kind}", len(qs), means(scores, qs)))
        qs = list(scores[wanted[0]])
        rows.append((f"**{part}: all**", len(qs), means(scores, qs)))
    both = {m: _mean(list(b_scores[m].values()) + list(g_scores[m].values())) for m in wanted}
    if not bundled_only:
        rows.append((f"**{label}, both corpora**", len(b_scores[wanted[0]]) + len(g_scores[wanted[0]]), both))
    for name, scores in old_scores.items():
        rows.append((f"existing: {name}", len(scores[wanted[0]]), means(scores, list(scores[wanted[0]]))))
    every = {m: [v for s in old_scores.values() for v in s[m].values()] for m in wanted}
    rows.append(("**existing: all**", len(every[wanted[0]]), {m: _mean(v) for m, v in every.items()}))
    lines += table(rows, wanted)
    if per_query:
        lines += ["", "| query | kind | corpus | " + " | ".join(wanted) + " |", "|---|---|---|" + "---:|" * len(wanted)]
        kinds = {b.q: b.kind for b in blind}
        for corpus_name, scores in (("bundled", b_scores), ("generated", g_scores)):
            for q in scores[wanted[0]]:
                lines.append(f"| {q} | {kinds[q]} | {corpus_name} | " + " | ".join(f"{scores[m][q]:.3f}" for m in wanted) + " |")
        for name, scores in old_scores.items():
            for q in scores[wanted[0]]:
                lines.append(f"| {q} | existing {name} | bundled | " + " | ".join(f"{scores[m][q]:.3f}" for m in wanted) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=Path, default=None, help="a prebuilt generated corpus-10000 (read only)")
    ap.add_argument("--methods", default="ours,ours-expand0,naive")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--vectors", type=Path, default=None, help="semantic methods: a folder caching the embeddings")
    ap.add_argument("--bundled-only", action="store_true", help="score the bundled corpus only (no generated corpus)")
    ap.add_argument("--judged", type=Path, default=BLIND,
                    help="the judged set scored in the blind set's place (e.g. bench/data/dev_judged.toml)")
    args = ap.parse_args(argv)
    lines = run(args.generated, args.methods.split(","), args.per_query, args.vectors, args.bundled_only, args.judged)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
