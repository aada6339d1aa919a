"""Formats × incremental indexing: a .docx added with `reportsearch add`, or dropped into the corpus and picked
up by an incremental `reindex`, is read by the format parsers, its metadata detected and shown with its sources."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from bench.data import report_files as rf
from indexer.cli import cli
from indexer.index.store import Store
from indexer.search.engine import get_report, search

# What detection reports for rf's document, field by field with its source (indexer/ingest/detect.py).
DETECTED = (
    f"title {rf.TITLE!r} (from the heading lines); institution 平湖市人民法院 (from the title); "
    "years 2023 (delivered 2024-01-18: reviews the year before); date 2024-01-18 (from the line "
)
PHRASE = "一站式诉讼服务中心建设"  # in rf's report, not in the bundled pinghu-court-2023.txt


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_add_a_docx_detects_its_metadata_and_makes_it_searchable_incrementally(
        indexed: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index = indexed
    source = tmp_path / "downloads" / "pinghu-court-2023-word.docx"
    source.parent.mkdir()
    source.write_bytes(rf.as_docx())
    assert search(Store(index), PHRASE)["total"] == 0
    result = run("add", source, "--corpus", corpus, "--index", index)
    assert result.exit_code == 0, result.output
    assert f"detected: {DETECTED}" in result.output
    assert "incremental: 1 added, 0 changed, 0 removed" in result.output
    assert (corpus / source.name).read_bytes() == source.read_bytes()
    entry = tomllib.loads((corpus / "catalog.toml").read_text(encoding="utf-8"))["report"][-1]
    assert entry == {"file": source.name, "title": rf.TITLE, "institution": "平湖市人民法院", "year": 2023,
                     "date": "2024-01-18"}
    store = Store(index)
    found = search(store, PHRASE)
    assert found["total"] == 1 and found["hits"][0]["report"] == "pinghu-court-2023-word"
    report = get_report(store, "pinghu-court-2023-word")
    texts = [p["text"] for p in report["paragraphs"]]
    assert texts == rf.body_texts()  # the same paragraphs the .docx parser gives in a full reindex
    # The page footer and header Word repeats on every page are not paragraphs.
    assert not any(t.startswith("第") and t.endswith("页") for t in texts)


def test_add_refuses_a_document_reindex_would_skip_by_name_with_its_reason(indexed_copy: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    corpus, index = indexed_copy
    bad = tmp_path / "broken-2024.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    build = Store(index).current().build_id
    result = run("add", bad, "--corpus", corpus, "--index", index)
    assert result.exit_code == 2
    assert f"refused {bad}:" in result.output
    assert not (corpus / bad.name).exists() and Store(index).current().build_id == build


def test_an_uncatalogued_docx_is_detected_on_every_incremental_reindex(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    (corpus / "dropped.docx").write_bytes(rf.as_docx())
    first = run("reindex", "--corpus", corpus, "--index", index)
    assert first.exit_code == 0, first.output
    assert "incremental: 1 added, 0 changed, 0 removed" in first.output
    assert f"detected (no catalog entry, 1):\n  - dropped.docx: {DETECTED}" in first.output
    # Reused, not parsed again: what was detected comes from the previous build and is still shown.
    again = run("reindex", "--corpus", corpus, "--index", index)
    assert again.exit_code == 0, again.output
    assert "incremental: 0 added, 0 changed, 0 removed" in again.output
    assert f"detected (no catalog entry, 1):\n  - dropped.docx: {DETECTED}" in again.output
    found = search(Store(index), PHRASE)
    assert found["total"] == 1 and found["hits"][0]["report"] == "dropped"
    full = run("reindex", "--full", "--corpus", corpus, "--index", index)
    assert full.exit_code == 0 and f"  - dropped.docx: {DETECTED}" in full.output
