"""Relevance on the hand-judged queries: nDCG@10 and recall@10, ours vs the naive baseline, per kind of query.

    .venv/bin/python -m bench.relevance

Builds the bundled corpus (ours and bench/naive.py) in a temporary folder and runs every judged query of
bench/data/judged.py: the original set ("exact" queries: words the reports use) and the issue-11
kinds (abbreviations, concepts, traditional characters, multi-word topics). Naive chunks are credited as
the paragraph sharing the most character bigrams with them (markup stripped), as in the seeds test.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Callable

from bench.data import judged
from bench.generate import REPO_ROOT
from bench.naive import build_naive

JUDGED_PY = Path(judged.__file__)  # the judgments, shared with the tests (tests/search/test_search_seeds.py)
Grades = dict[str, dict[str, int]]
_MARKUP = re.compile(r"[*#■▼]")


def squeeze(text: str) -> str:
    """What Ctrl-F compares: folded, whitespace removed."""
    from indexer.analysis import normalize

    return "".join(normalize(text).split())


def resolve(judged: dict[str, list[tuple[int, str]]], paragraphs: list[dict]) -> Grades:
    """Judged pieces of text → {query: {paragraph id: grade}}; each piece must name exactly one paragraph."""
    texts = [(p["id"], squeeze(p["text"])) for p in paragraphs]
    out: Grades = {}
    for q, items in judged.items():
        grades: dict[str, int] = {}
        for grade, piece in items:
            found = [pid for pid, text in texts if squeeze(piece) in text]
            assert len(found) == 1, (q, piece, found)
            grades[found[0]] = max(grade, grades.get(found[0], 0))
        out[q] = grades
    return out


def _bigrams(text: str) -> set[str]:
    t = squeeze(_MARKUP.sub("", text))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def chunk_to_paragraph(paragraphs: list[dict]) -> Callable[[str], str]:
    """Maps a naive chunk to the id of the paragraph sharing the most bigrams with it ("" when none)."""
    para_grams = [(p["id"], _bigrams(p["text"])) for p in paragraphs]

    def to_paragraph(chunk: str) -> str:
        grams = _bigrams(chunk)
        best = max(para_grams, key=lambda pg: len(grams & pg[1]))
        return best[0] if grams & best[1] else ""

    return to_paragraph


def mean_scores(rank: Callable[[str], list[str]], grades: Grades, module: ModuleType) -> tuple[float, float]:
    """(mean nDCG@10, mean recall@10) of a ranking function over resolved judgments."""
    nd = [module.ndcg_at(rank(q), g) for q, g in grades.items()]
    rc = [module.recall_at(rank(q), g) for q, g in grades.items()]
    return sum(nd) / len(nd), sum(rc) / len(rc)


def main(index: Path | None = None) -> int:
    """Build both indexes of the bundled corpus and print the relevance table (markdown); index: our build of
    the bundled corpus when one is at hand (the tests' session index), else it is built here."""
    from indexer.config import default_synonyms_path
    from indexer.export import iter_paragraphs
    from indexer.index.build import build_index
    from indexer.index.store import Store
    from indexer.search.engine import search
    from indexer.search.language.synonyms import load_synonyms

    with tempfile.TemporaryDirectory() as tmp:
        if index is None:
            index = Path(tmp) / "ours"
            build_index(REPO_ROOT / "corpus", index, procs=1)
        store = Store(index)
        paragraphs = list(iter_paragraphs(store))
        naive = build_naive(REPO_ROOT / "corpus", Path(tmp) / "naive")
        to_paragraph = chunk_to_paragraph(paragraphs)
        synonyms = load_synonyms(default_synonyms_path())
        engines: dict[str, Callable[[str], list[str]]] = {
            "ours": lambda q: [h["id"] for h in search(store, q, synonyms=synonyms)["hits"]],
            "ours expand=0": lambda q: [h["id"] for h in search(store, q, synonyms=synonyms, expand=False)["hits"]],
            "naive": lambda q: [to_paragraph(h["text"]) for h in naive.search(q)["hits"]],
        }
        sets = {"exact (original)": judged.JUDGED, **judged.MEANING_KINDS, "all issue-11 kinds": judged.MEANING}
        print("| queries | n | " + " | ".join(f"{e} nDCG@10 | {e} recall@10" for e in engines) + " |")
        print("|---|---:|" + "---:|---:|" * len(engines))
        for name, pieces in sets.items():
            grades = resolve(pieces, paragraphs)
            cells = []
            for rank in engines.values():
                nd, rc = mean_scores(rank, grades, judged)
                cells += [f"{nd:.3f}", f"{rc:.3f}"]
            print(f"| {name} | {len(grades)} | " + " | ".join(cells) + " |")
        if "-v" in sys.argv:
            for q, g in resolve(judged.MEANING, paragraphs).items():
                row = [f"{judged.ndcg_at(r(q), g):.2f}/{judged.recall_at(r(q), g):.2f}" for r in engines.values()]
                print(f"  {q}: " + "  ".join(f"{e} {c}" for e, c in zip(engines, row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
