"""Scanned reports through `reportsearch reindex`: OCR'd in the parsing child into the same paragraphs as their text.

The corpus (tests/helpers/scanned.py): an image-only PDF, a two-column scan as a multi-page TIFF and a PNG page,
made from text we control. Tolerance: every source body paragraph is found whole among the indexed
paragraphs (at most max(2, 5 %) of its characters differ, punctuation widths folded) and there are as many
indexed paragraphs as source ones: none split, none run together, none lost.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from indexer.index.store import Store, serving_meta
from indexer.search.engine import get_report
from tests.helpers.scanned import PAGES, SOURCES, missing_paragraphs, reindex

pytestmark = pytest.mark.slow


def paragraphs_by_file(index: Path) -> dict[str, list[str]]:
    """The indexed paragraphs of each report file, in order, as the engine serves them."""
    store = Store(index)
    out = {}
    for record in serving_meta(index)["reports"]:
        doc = get_report(store, record["id"])
        assert doc is not None
        out[record["file"]] = [p["text"] for p in doc["paragraphs"]]
    return out


def test_scanned_pdf_two_column_scan_and_page_image_give_their_source_paragraphs(scanned_index):
    _, index, _ = scanned_index
    found = paragraphs_by_file(index)
    assert set(found) == set(SOURCES)
    for name, wanted in SOURCES.items():
        assert not missing_paragraphs(found[name], wanted), (name, found[name])
        assert len(found[name]) == len(wanted), (name, found[name])


def test_build_json_keeps_engine_pages_and_confidence_and_reindex_prints_them(scanned_index):
    _, index, output = scanned_index
    records = {r["file"]: r for r in serving_meta(index)["reports"]}
    assert "read by OCR (scanned, 3" in output
    for name, pages in PAGES.items():
        ocr = records[name]["ocr"]
        assert ocr["engine"].startswith("rapidocr ") and ocr["pages"] == pages
        assert 0.9 <= ocr["confidence"] <= 1.0
        assert f"  - {name}: {pages} page{'s' if pages > 1 else ''} by {ocr['engine']}, mean confidence" in output


def copied(scanned_index, tmp_path: Path) -> tuple[Path, Path]:
    corpus, index, _ = scanned_index
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index")
    return tmp_path / "corpus", tmp_path / "index"


def test_an_unchanged_reindex_never_ocrs_again_full_or_incremental(scanned_index, tmp_path, monkeypatch):
    from indexer.ingest.ocr import session

    def no_engine(name: str):
        raise AssertionError("the OCR engine was loaded")

    monkeypatch.setattr(session, "load_engine", no_engine)  # inherited by the forked parsing children
    corpus, index = copied(scanned_index, tmp_path)
    before = paragraphs_by_file(index)
    incremental = reindex(corpus, index)
    assert incremental.exit_code == 0, incremental.output
    assert "incremental: 0 added, 0 changed, 0 removed" in incremental.output
    full = reindex(corpus, index, "--full")  # every file parsed again: the scans' pages come from the cache
    assert full.exit_code == 0, full.output
    assert "full build: --full" in full.output and "read by OCR (scanned, 3" in full.output
    assert paragraphs_by_file(index) == before


def test_a_changed_scan_is_read_again_and_the_others_are_not(scanned_index, tmp_path):
    from PIL import Image

    corpus, index = copied(scanned_index, tmp_path)
    image = Image.open(corpus / "page.png")
    image.rotate(0.5, fillcolor=220).save(corpus / "page.png", dpi=(200, 200))  # other bytes, same text
    result = reindex(corpus, index)
    assert result.exit_code == 0, result.output
    assert "incremental: 0 added, 1 changed, 0 removed" in result.output
    assert "read by OCR (scanned, 1" in result.output and "  - page.png: 1 page by rapidocr" in result.output
    assert not missing_paragraphs(paragraphs_by_file(index)["page.png"], SOURCES["page.png"])
    assert len(list((index / "ocr-cache").rglob("*.json"))) == 4  # three scans, and the changed one's new bytes


def test_progress_is_reported_page_by_page(scanned_index):
    from indexer.cli.progress import Progress
    from indexer.ingest.corpus import load_corpus

    corpus, index, _ = scanned_index
    calls: list[tuple[int, int]] = []
    load = load_corpus(corpus, processes=1, on_page=lambda done, total: calls.append((done, total)),
                       ocr_cache=index / "ocr-cache")  # cached pages are counted too; nothing is OCR'd again
    assert not load.skipped
    # page.png, scan.pdf, two-columns.tif: (0, n) as a file's first page starts, then (k, n) as page k is done
    assert calls == [(0, 1), (1, 1), (0, 3), (1, 3), (2, 3), (3, 3), (0, 2), (1, 2), (2, 2)]
    progress = Progress(io.StringIO(), total_files=3)
    hooks = progress.hooks()
    assert hooks.on_page is not None
    hooks.on_page(0, 3)
    assert ", OCR page 1/3," in progress.line()
    hooks.on_page(1, 3)
    assert "1/3 files" not in progress.line() and ", OCR page 2/3," in progress.line()
    hooks.on_page(3, 3)
    assert "OCR page" not in progress.line()


def test_without_the_engine_a_scan_is_skipped_with_the_command_that_installs_it(tmp_path, monkeypatch, repo_corpus):
    from bench.data import scans
    from tests.helpers.scanned import DPI, SHORT, pages

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails as if not installed
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    (corpus / "handout.png").write_bytes(scans.as_png(pages(SHORT)[0], DPI))
    result = reindex(corpus, tmp_path / "index")
    assert result.exit_code == 1, result.output  # done, but a file was skipped
    assert "  - handout.png: the OCR engine is not installed (rapidocr_onnxruntime missing): install it with" \
           " pip install -e '.[ocr]'" in result.output
    assert "indexed 3 reports" in result.output


def test_add_a_page_image_detects_prints_and_indexes_it_reading_its_page_once(indexed, scanned_index, tmp_path,
                                                                              monkeypatch):
    from indexer.ingest.ocr import session

    log = tmp_path / "pages.log"
    real = session.ocr_page

    def counted(*args, **kwargs):
        with open(log, "a", encoding="utf-8") as out:
            out.write("page\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "ocr_page", counted)  # in the forked children too
    corpus, index = indexed
    scans_corpus, _, _ = scanned_index
    source = tmp_path / "downloads" / "handout-2023.png"
    source.parent.mkdir()
    shutil.copy(scans_corpus / "page.png", source)
    result = reindex_add(source, corpus, index)
    assert result.exit_code == 0, result.output
    assert "detected: " in result.output and "institution 平湖市人民法院" in result.output
    # the delivery line's "——" is read as "一－"; taken as a heading it would hide the date the text version gives
    assert "date 2024-01-18" in result.output
    assert "incremental: 1 added, 0 changed, 0 removed" in result.output
    assert "  - handout-2023.png: 1 page by rapidocr" in result.output
    assert log.read_text(encoding="utf-8").count("page") == 1  # detection read it; indexing took it from the cache
    texts = paragraphs_by_file(index)["handout-2023.png"]
    assert not missing_paragraphs(texts, SOURCES["page.png"]) and len(texts) == len(SOURCES["page.png"])


def reindex_add(source: Path, corpus: Path, index: Path):
    from click.testing import CliRunner

    from webapp.cli import cli

    return CliRunner().invoke(cli, ["add", str(source), "--corpus", str(corpus), "--index", str(index)])
