"""One corpus snapshot per command (indexer/ingest/snapshot.py): the fingerprints, the loader and add/remove
read the same walk and the same catalog, and the catalog is parsed once (add and remove read back what they write)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis import DEFAULT_DICTIONARY, dictionary_fingerprint
from indexer.collection import Metadata, add_reports, remove_report
from indexer.index import fingerprint
from indexer.index.build import build_index, full_build_locked
from indexer.index.lock import writer_locks
from indexer.index.store import serving_meta
from indexer.index.update import Hooks, update_index
from indexer.ingest import catalog_edit, snapshot
from indexer.ingest.catalog import read_catalog
from indexer.ingest.snapshot import take_snapshot
from tests.helpers.adding import new_report

OLD_TITLE = 'title = "平湖市人民法院工作报告（2023年）"'
NEW_TITLE = 'title = "平湖市人民法院2023年工作报告"'


def test_one_snapshot_feeds_the_fingerprints_and_the_loaded_reports(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    taken = take_snapshot(corpus)
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    with writer_locks(corpus, index):  # the catalog changed after the snapshot: the build sees the snapshot's
        full_build_locked(taken, index, procs=1)
    record = next(r for r in serving_meta(index)["reports"] if r["id"] == "pinghu-court-2023")
    entry = taken.entries["pinghu-court-2023.txt"]
    assert record["title"] == entry.title == "平湖市人民法院工作报告（2023年）"
    digest = fingerprint.corpus_digests(taken)["pinghu-court-2023.txt"]
    assert record["fingerprint"] == fingerprint.report_fingerprint(
        digest, entry, dictionary_fingerprint(DEFAULT_DICTIONARY), fingerprint.themes_fingerprint())
    lenient = Hooks(max_deleted_fraction=0.9)  # this small corpus: keep the deletions instead of merging
    again = update_index(corpus, index, procs=1, hooks=lenient)  # a new command reads the corpus anew: it changed
    assert again.mode == "incremental", again.reason
    assert again.changed == ["pinghu-court-2023"]


@pytest.fixture()
def catalog_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every catalog file parsed (snapshots and catalog edits)."""
    reads: list[str] = []

    def counting(path: Path):
        reads.append(Path(path).name)
        return read_catalog(path)

    monkeypatch.setattr(snapshot, "read_catalog", counting)
    monkeypatch.setattr(catalog_edit, "read_catalog", counting)
    return reads


def test_the_catalog_is_parsed_once_per_build_and_add_and_remove_read_back_what_they_write(
        corpus: Path, tmp_path: Path, repo_corpus: Path, catalog_reads: list[str]) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, procs=1)
    assert catalog_reads == ["catalog.toml"]
    catalog_reads.clear()
    update_index(corpus, index, procs=1)
    assert catalog_reads == ["catalog.toml"]
    catalog_reads.clear()
    source = new_report(repo_corpus, tmp_path / "downloads", "haiyan-court-2024.txt")
    added = add_reports([source], corpus, index, Metadata(), procs=1)
    assert added.update is not None and added.update.added == ["haiyan-court-2024"]
    # the snapshot add plans with; the catalog as it is just before the edit (a hand edit meanwhile is kept);
    # the edited text read back before it is written, which the index update then uses
    assert catalog_reads[:2] == ["catalog.toml", "catalog.toml"] and len(catalog_reads) == 3
    assert catalog_reads[2].endswith(".check")
    catalog_reads.clear()
    removed = remove_report("haiyan-court-2024", corpus, index, procs=1)
    assert removed.entry_removed and removed.update.removed == ["haiyan-court-2024"]
    assert len(catalog_reads) == 3 and catalog_reads[2].endswith(".check")
