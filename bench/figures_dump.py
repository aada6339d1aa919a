"""Every figure of a corpus, one JSON array per line, to compare the extractor's output before and after a change.

    .venv/bin/python -m bench.figures_dump /work/bench/corpus-10000 /tmp/figures-10k.jsonl
    .venv/bin/python -m bench.figures_dump corpus /tmp/figures-seed.jsonl

Rows are exactly what a build writes (extract.paragraph_rows), in corpus order; `cmp` the files of two runs.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from indexer.figures.extract import paragraph_rows
from indexer.figures.metrics import load_metrics
from indexer.ingest.corpus import load_corpus


def dump(corpus: Path, out: Path) -> tuple[int, float]:
    """Write every figure row of corpus to out; (rows, CPU seconds of the extraction)."""
    table = load_metrics()
    paragraphs = [p for r in load_corpus(corpus).reports for p in r.paragraphs]
    started = time.process_time()
    rows = [row for p in paragraphs for row in paragraph_rows(p, table)]
    cpu = time.process_time() - started
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows), cpu


def main() -> None:
    """Command line: corpus folder, output file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    rows, cpu = dump(args.corpus, args.out)
    print(f"{rows} figures → {args.out} (extraction {cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
