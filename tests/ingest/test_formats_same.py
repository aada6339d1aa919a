"""The same report as .txt, .md, .docx, .pdf, .html and .doc: the same paragraphs and the same detected metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.data import report_files as rf
from indexer.ingest.corpus import load_corpus
from indexer.ingest.formats import SUPPORTED_SUFFIXES, FormatOptions, extract, is_supported


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory) -> bytes:
    """A Word 97 .doc made by LibreOffice from the generated .docx (the way such files come about)."""
    return rf.convert(rf.as_docx(), ".docx", "doc", tmp_path_factory.mktemp("doc"))


@pytest.fixture(scope="module")
def every_format(tmp_path_factory, legacy_doc) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "as-text.txt").write_text(rf.as_markdown(), encoding="utf-8")
    (root / "as-markdown.md").write_text(rf.as_markdown(), encoding="utf-8")
    (root / "as-word.docx").write_bytes(rf.as_docx())
    (root / "as-pdf.pdf").write_bytes(rf.as_pdf())
    (root / "as-page.html").write_bytes(rf.as_html())
    (root / "as-legacy.doc").write_bytes(legacy_doc)
    return root


def test_supported_suffixes_predicate():
    assert all(is_supported(f"a{s}") and is_supported(f"A{s.upper()}") for s in SUPPORTED_SUFFIXES)
    assert not any(is_supported(n) for n in ("a.gif", "a.docx.bak", "README", "a.xlsx", "a.pdf.part"))


def test_every_format_gives_the_same_paragraphs_and_metadata(every_format):
    load = load_corpus(every_format, formats=FormatOptions(doc_converter=rf.soffice()))
    assert load.skipped == []
    assert sorted(r.file for r in load.reports) == sorted(p.name for p in every_format.iterdir())
    for report in load.reports:
        assert [p.text for p in report.paragraphs] == rf.body_texts(), report.file
        assert (report.title, report.institution, report.years, report.date) == (
            rf.TITLE, "平湖市人民法院", (2023,), "2024-01-18"), report.file
        found = load.detected[report.file]
        assert (found.title_from, found.institution_from) == ("from the heading lines", "from the title"), report.file
        assert found.years_from == "delivered 2024-01-18: reviews the year before"
    sections = {r.file: [p.section for p in r.paragraphs] for r in load.reports}
    assert sections["as-pdf.pdf"] == sections["as-text.txt"] == sections["as-word.docx"] == sections["as-page.html"]


@pytest.mark.parametrize("tool", ["soffice", "antiword"])
def test_legacy_doc_through_each_converter(legacy_doc, tool):
    converter = rf.soffice() if tool == "soffice" else shutil.which("antiword")
    assert converter, f"{tool} is installed by .ci/run"
    out = extract(legacy_doc, "old.doc", FormatOptions(doc_converter=converter))

    assert rf.bodies(out.text) == rf.body_texts()
    assert out.format == "doc"


def test_doc_that_is_really_a_docx_or_a_web_page_is_read_as_such():
    options = FormatOptions(doc_converter=None)  # no converter needed for these
    assert extract(rf.as_docx(), "saved-as.doc", options).format == "docx"
    assert extract(rf.as_html(), "saved-as.doc", options).format == "html"
