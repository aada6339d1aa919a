"""Reading untrusted files: the format decided by content (formats/sniff.py) and the limited child (isolate.py)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bench.data import report_files as rf
from indexer.ingest.corpus import detect_report, load_corpus
from indexer.ingest.formats import FormatError, FormatOptions, extract
from indexer.ingest.formats.isolate import run_isolated
from indexer.ingest.formats.sniff import sniff

NO_CONVERTER = FormatOptions(doc_converter=None)


def test_the_content_decides_the_format_and_a_wrong_name_is_a_warning(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "pdf-named.txt").write_bytes(rf.as_pdf())
    (root / "page-named.txt").write_bytes(rf.as_html())
    (root / "text-named.pdf").write_bytes(rf.as_markdown().encode())
    (root / "photo-named.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "archive-named.docx").write_bytes(b"\x1f\x8b\x08\x00" + bytes(200))
    load = load_corpus(root, formats=NO_CONVERTER)
    reasons = {s.file: s.reason for s in load.skipped}
    assert reasons == {
        "photo-named.pdf": "the content is a PNG image, not a report (PDF, Word, web page or text)",
        "archive-named.docx": "the content is a gzip archive, not a report (PDF, Word, web page or text)",
    }
    for report in load.reports:
        assert [p.text for p in report.paragraphs] == rf.body_texts(), report.file
    warned = {w.split(": ", 1)[0]: w for w in load.warnings if "not what the name" in w}
    assert set(warned) == {"pdf-named.txt", "page-named.txt", "text-named.pdf"}
    assert warned["pdf-named.txt"].endswith("the content is a PDF document, not what the name .txt says: read as a PDF")
    assert warned["text-named.pdf"].endswith("the content is plain text, not what the name .pdf says: read as plain text")


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "pdf"), (b"\r\n%PDF-1.4", "pdf"), (b"PK\x03\x04", "docx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),
    (b"{\\rtf1\\ansi", "rtf"), (b"<!DOCTYPE html><html>", "html"), (b"\xef\xbb\xbf\n  <html lang=zh>", "html"),
    ("<html><body>审结</body></html>".encode("utf-16"), "html"), (b"<?xml version='1.0'?><html>", "html"),
    (b"<p>\xe5\xae\xa1\xe7\xbb\x93</p>", "html"), ("<2023年工作报告>".encode(), "text"), ("# 工作报告\n".encode(), "text"),
    ("审结案件".encode("gb18030"), "text"), (b"\x7fELF\x02\x01", "other"), (b"GIF89a\x01\x00", "other"),
    (b"MZ\x90\x00\x03\x00", "other"), ("MZ开头的文本".encode(), "text"), (b"\x00\x01\x02binary", "text"),
])
def test_sniff_by_first_bytes(head, kind):
    assert sniff(head + b"x" * 100).kind == kind


def test_a_doc_needs_its_converter_only_when_it_is_one():
    assert extract(rf.as_docx(), "saved-as.doc", NO_CONVERTER).format == "docx"
    with pytest.raises(FormatError, match="no converter is installed"):
        extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc", NO_CONVERTER)
    with pytest.raises(FormatError, match="an RTF document and no converter is installed"):
        extract("{\\rtf1\\ansi 审结案件}".encode(), "old.txt", NO_CONVERTER)
    with pytest.raises(FormatError, match="not a .docx \\(not a zip archive"):
        detect_report(b"\xd0\xcf\x11\xe0 an old .doc renamed", "renamed.docx", NO_CONVERTER)


# ------------------------------------------------------------------------------------------- the isolation runner


def _logged(log: Path, item):
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"{item} {os.getpid()}\n")
    if item == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if item == "spin":
        while True:
            pass
    if item == "balloon":
        return [b"x" * 2**20 for _ in range(10_000)]
    if item == "deep":
        return _logged(log, "deep")
    if isinstance(item, float):
        start = time.process_time()
        while time.process_time() - start < item:
            pass
    return item


@pytest.mark.slow  # its children are killed (SIGSEGV, the CPU and memory limits)
def test_a_child_that_dies_costs_only_the_item_it_was_reading(tmp_path):
    log = tmp_path / "log"
    seen = []
    items = ["a", "segfault", "b", "spin", "c", "balloon", "d"]
    options = FormatOptions(max_cpu_seconds=1, max_memory=256 * 2**20)
    results = run_isolated(lambda item: _logged(log, item), items, options, on_result=lambda i, r: seen.append(i))
    assert results[0::2] == ["a", "b", "c", "d"]
    assert "crashed" in str(results[1]) and "SIGSEGV" in str(results[1])
    assert "CPU limit" in str(results[3]) and "memory" in str(results[5])
    assert seen == list(range(len(items)))
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [item for item, _ in lines] == items  # each item read once, in order
    assert len({pid for _, pid in lines}) == 3 and str(os.getpid()) not in {pid for _, pid in lines}  # a new child after each death


def test_each_item_has_its_own_cpu_budget_and_a_batch_shares_one_child(tmp_path):
    log = tmp_path / "log"
    results = run_isolated(lambda item: _logged(log, item), [0.6, 0.6, 0.6], FormatOptions(max_cpu_seconds=1))
    assert results == [0.6, 0.6, 0.6]  # 1.8 s in all, under 1 s each
    assert len({line.split()[1] for line in log.read_text().splitlines()}) == 1


def test_recursion_and_unexpected_errors_are_reasons(tmp_path):
    log = tmp_path / "log"
    deep, broken = run_isolated(lambda item: _logged(log, item) if item == "deep" else 1 // 0, ["deep", "x"], FormatOptions())
    assert "nested too deeply" in str(deep)
    assert str(broken) == "the parser failed on this file (ZeroDivisionError: integer division or modulo by zero)"
    assert run_isolated(lambda _: os.getpid(), [None], FormatOptions(isolate=False)) == [os.getpid()]


def test_what_every_paragraph_carries_is_bounded_whatever_the_file_says():
    """A heading, lead, title or institution name is copied into every paragraph (and the index): cut or ignored."""
    from indexer.ingest.reading import FileJob, read_job
    from indexer.ingest.themes import load_taxonomy
    from indexer.limits import MAX_HEADING_CHARS

    leads = "".join(f"**{'要点' * 150}。**\n\n第{i}段正文。\n\n" for i in range(3))
    text = "# " + "标题" * 300 + "\n\n## " + "小节" * 300 + "\n\n" + leads + "现在，我代表" + "市" * 300 + "人民法院向大会报告工作。\n"
    job = FileJob("long.txt", "long", text.encode())
    report = read_job(job, taxonomy=load_taxonomy(), formats=FormatOptions(), catalog_broken=False).report
    assert report is not None and len(report.paragraphs) == 4
    assert report.title == ("标题" * 300)[:MAX_HEADING_CHARS] and report.institution == "未知机构"
    assert all(p.section == ("小节" * 300)[:MAX_HEADING_CHARS] for p in report.paragraphs)
    assert [len(p.lead) for p in report.paragraphs] == [MAX_HEADING_CHARS] * 3 + [0]
    assert report.paragraphs[0].text == "要点" * 150 + "。第0段正文。"  # the paragraph itself is whole


def test_a_docx_part_with_too_many_elements_is_refused_before_it_costs_memory():
    from bench.data.hostile_files import element_flood_docx

    with pytest.raises(FormatError, match=r"word/document.xml has over 1,000 XML elements \(max_xml_elements\)"):
        extract(element_flood_docx(1_500), "flood.docx", FormatOptions(max_xml_elements=1_000))
    assert rf.bodies(extract(rf.as_docx(), "a.docx", FormatOptions(max_xml_elements=20_000)).text) == rf.body_texts()
