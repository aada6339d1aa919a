"""The blocks jieba itself cuts when a build is written (letters, symbols, tied HMM runs) are kept with their
segment, so a server cuts the build's paragraphs without loading jieba's dictionary (≈ 70 MB per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from indexer.analysis import JiebaTokenizer, _jieba_instance, normalize
from indexer.index.arrays import ARRAY_DIR
from indexer.index.store import BUILDS, Store, read_current
from indexer.ingest.corpus import CorpusLoad
from tests.engine.test_engine_fastwords import MIXED, TIES

TOKENIZER = JiebaTokenizer()


def test_the_writer_cut_notes_exactly_the_blocks_jieba_cut_with_jiebas_pieces() -> None:
    record: dict[str, list[str]] = {}
    cutter = TOKENIZER.index_cutter(record)
    for text in MIXED + TIES:
        assert cutter(normalize(text)) == TOKENIZER.spans(normalize(text))
    jieba = _jieba_instance(TOKENIZER.dictionary, TOKENIZER.fingerprint)
    assert {"covid-", "b超", "v2.0版", "a&b", "院院院院法"} <= set(record)  # letters, symbols, a tied HMM run
    assert "诉源治理枫桥经验认罪认罚" not in record  # pure Han without a tie: rjieba's
    for block, pieces in record.items():
        assert pieces == list(jieba.cut(block, HMM=True)), block


def test_a_build_keeps_its_segments_blocks_and_its_cut_needs_no_jieba_for_them(seed_index: Path,
                                                                             seed_load: CorpusLoad) -> None:
    folder = Path(seed_index) / BUILDS / str(read_current(seed_index))
    tables = [json.loads(p.read_text(encoding="utf-8"))["jieba_blocks"]
              for p in (folder / ARRAY_DIR).glob("*.columns.json")]
    blocks = {b: pieces for table in tables for b, pieces in table.items()}
    assert len(blocks) >= 5
    texts = [p.text for r in seed_load.reports for p in r.paragraphs]
    assert sum(1 for t in texts if any(b in normalize(t) for b in blocks)) >= 5
    # A fresh process serving the build cuts every paragraph as jieba does, and never loads it for them.
    script = (
        "import json, sys, jieba, indexer.analysis as a\n"
        "from indexer.index.store import Store\n"
        "from indexer.search.evaluation.context import context\n"
        "build = Store(sys.argv[1]).current()\n"
        "spans = context(build).spans\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps([spans(a.normalize(t)) for t in texts]))\n"
        "print(jieba.dt.initialized, a._jieba_instance.cache_info().currsize)\n"
        "spans(a.normalize('qzxv疫情'))\n"  # a block no paragraph has: jieba is loaded for it
        "print(a._jieba_instance.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(seed_index)], input=json.dumps(texts), text=True,
                         capture_output=True, check=True, timeout=300).stdout.splitlines()
    assert json.loads(out[0]) == [[list(s) for s in TOKENIZER.spans(normalize(t))] for t in texts]
    assert out[1] == "False 0" and out[2] == "1"


def test_an_incremental_build_keeps_the_reused_segments_blocks(seed_index: Path, tmp_path: Path,
                                                               repo_corpus: Path) -> None:
    """A reused segment's table comes with it (its files are linked into the new build)."""
    import shutil

    from indexer.collection import remove_report
    from indexer.index.build import build_index
    from indexer.index.update import Hooks

    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(repo_corpus, corpus)
    build_index(corpus, root, procs=1)
    before = Store(root).current()
    remove_report("pinghu-court-2023", corpus, root, procs=1, hooks=Hooks(max_deleted_fraction=1.0))
    after = Store(root).current()
    assert after.build_id != before.build_id
    from indexer.search.evaluation.context import context

    old = {b for arrays, _ in context(before).segments for b in arrays.jieba_blocks}
    new = {b for arrays, _ in context(after).segments for b in arrays.jieba_blocks}
    assert old and new == old  # the reused segments' tables, nothing lost
