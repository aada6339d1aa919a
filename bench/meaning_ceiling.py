"""The best nDCG@10 any ranking could reach on a judged set under the literal-first rule (issue 20).

    .venv/bin/python -m bench.meaning_ceiling [--generated DIR] [--judged FILE]

The rule the issue asks the tests to pin: whenever a query is expanded, a literal full match (every word of the
query a jieba word of the paragraph's text, cut as the index cuts it: tests/search/test_meaning_literal_first.py)
ranks above everything found another way. For an engine that expands a query, the first page therefore starts
with the literal matches; the best it can do is order them perfectly and fill the rest of the page with the
best judged paragraphs, whatever method finds them. This script computes that bound per query from the
judgments alone: literal matches sorted by grade, then every other judged paragraph by grade. It needs no engine
and tunes nothing; it says how far any ranking idea that keeps the rule could go.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bench.data import judged
from bench.generate import REPO_ROOT, ensure_corpus
from bench.meaning import BLIND, SEED, load_blind
from bench.relevance import resolve

if TYPE_CHECKING:
    from indexer.analysis import JiebaTokenizer


def _paragraphs(corpus_dir: Path, work: Path) -> list[dict]:
    from indexer.export import iter_paragraphs
    from indexer.index.build import build_index
    from indexer.index.store import Store

    build_index(corpus_dir, work, procs=1)
    store = Store(work)
    try:
        return list(iter_paragraphs(store))
    finally:
        store.close()


def ceiling(q: str, grades: dict[str, int], words_of: dict[str, set[str]], cut: JiebaTokenizer) -> tuple[float, int]:
    """(the bound, how many literal matches the query has) for one query."""
    from indexer.analysis import normalize

    wanted = {w for w, _s, _e in cut.spans(normalize(q))}
    literal = [pid for pid, words in words_of.items() if wanted <= words]
    first = sorted(literal, key=lambda pid: -grades.get(pid, 0))
    known = set(literal)
    rest = sorted((pid for pid in grades if pid not in known), key=lambda pid: -grades[pid])
    return judged.ndcg_at(first + rest, grades), len(literal)


def main(argv: list[str] | None = None) -> int:
    """Print the bound per query and its mean."""
    from indexer.analysis import JiebaTokenizer, normalize

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=Path, default=None, help="a prebuilt generated corpus-10000 (read only)")
    ap.add_argument("--judged", type=Path, default=BLIND)
    args = ap.parse_args(argv)
    cut = JiebaTokenizer()
    queries = load_blind(args.judged)
    rows: list[tuple[str, str, str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {"bundled": REPO_ROOT / "corpus", "generated": args.generated}
        if corpora["generated"] is None:
            corpora["generated"] = ensure_corpus(10_000, Path(tmp), SEED, REPO_ROOT.parent / "shared" / "benchdata"
                                                 / "government_work_reports.jsonl")
        for name, folder in corpora.items():
            paragraphs = _paragraphs(folder, Path(tmp) / name)
            words_of = {p["id"]: {w for w, _s, _e in cut.spans(normalize(p["text"]))} for p in paragraphs}
            if name == "bundled":
                sets = resolve({b.q: b.bundled for b in queries if b.bundled}, paragraphs)
            else:
                sets = {b.q: b.generated for b in queries if b.generated}
            kinds = {b.q: b.kind for b in queries}
            for q, grades in sets.items():
                bound, n = ceiling(q, grades, words_of, cut)
                rows.append((q, kinds[q], name, bound, n))
    out = ["| query | kind | corpus | literal matches | best nDCG@10 under the rule |", "|---|---|---|---:|---:|"]
    out += [f"| {q} | {k} | {c} | {n} | {b:.3f} |" for q, k, c, b, n in rows]
    mean = sum(r[3] for r in rows) / len(rows)
    out += ["", f"Mean over {len(rows)} (query, corpus) pairs: **{mean:.3f}**"]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
