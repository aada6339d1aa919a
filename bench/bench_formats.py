"""Document formats: PDF extraction speed and CJK output (our pypdfium2 reader against pdfminer.six), and the
legacy .doc converters (LibreOffice, antiword, catdoc) on the same generated report.

    .venv/bin/python -m bench.bench_formats [--pages 60] [--results bench/RESULTS.md]

Two PDFs of the same report, repeated to --pages pages: reportlab's (Adobe-GB1 CID font, not embedded,
fake-bold leads drawn twice) and LibreOffice's export of the .docx (Noto CJK subset embedded, when soffice is
installed). Per PDF and extractor: pages/s (best of 3, wall and CPU), and whether the text holds the report's
sentences without CID garbage (U+FFFD, private-use code points) or doubled characters. The fixtures come from
bench/data/report_files.py, the generator the tests use.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bench.data import report_files as rf

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "RESULTS.md"


def long_report(pages: int) -> list[tuple[str, str]]:
    """The report with its body repeated so the PDF has about `pages` pages."""
    body = [b for b in rf.REPORT if b[0] in ("lead", "body")][2:]
    return [*rf.REPORT, *body * max(0, pages // 2 - 1)]


def ours(data: bytes) -> str:
    from indexer.ingest.formats import FormatOptions, extract

    return extract(data, "bench.pdf", FormatOptions(max_pages=100000)).text


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def pdfminer_chars(data: bytes) -> str:
    """pdfminer.six's layout analysis with every character object visited, as a position-based reader needs."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    out: list[str] = []

    def walk(element: object) -> None:
        if isinstance(element, LTChar):
            out.append(element.get_text())
        elif isinstance(element, LTContainer):
            for child in element:
                walk(child)
            out.append("\n")

    for page in extract_pages(io.BytesIO(data)):
        walk(page)
    return "".join(out)


def _time(func: Callable[[bytes], str], data: bytes) -> tuple[float, float, str]:
    best_wall = best_cpu = float("inf")
    text = ""
    for _ in range(3):
        w, c = time.perf_counter(), time.process_time()
        text = func(data)
        best_wall, best_cpu = min(best_wall, time.perf_counter() - w), min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, text


def _quality(text: str, sentence: str, expected: int, leads: int) -> str:
    """Sentences found (of expected), garbage characters, and bold leads read twice (drawn twice as fake bold)."""
    flat = re.sub(r"\s+", "", text)
    garbage = len(re.findall("[\ue000-\uf8ff\ufffd]", flat))
    doubled = len(re.findall(r"(坚持[^。]{2,4}。)(?:\1|(?:坚坚|持持))", flat)) + flat.count("坚坚持")
    return f"{flat.count(sentence)}/{expected} sentences, {garbage} garbage chars, {doubled}/{leads} leads doubled"


def run(pages: int) -> list[dict]:
    import pypdfium2 as pdfium

    report = long_report(pages)
    pdfs = {"reportlab (CID font, not embedded)": rf.as_pdf(report=report)}
    if shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as tmp:
            pdfs["LibreOffice export (Noto CJK embedded)"] = rf.convert(rf.as_docx(report=report), ".docx", "pdf", Path(tmp))
    sentence = "为平湖经济社会高质量发展提供了有力司法服务和保障"
    expected = sum(t.count(sentence) for _, t in report)
    leads = sum(1 for k, _ in report if k == "lead")
    rows = []
    for label, data in pdfs.items():
        n = len(pdfium.PdfDocument(data))
        for name, func in (("pypdfium2 (ours: chars, positions, layout)", ours),
                           ("pdfminer.six extract_text", pdfminer_text),
                           ("pdfminer.six chars (LTChar walk)", pdfminer_chars)):
            wall, cpu, text = _time(func, data)
            rows.append({"pdf": label, "pages": n, "extractor": name, "pages_per_s": n / wall,
                         "cpu_pages_per_s": n / cpu, "quality": _quality(text, sentence, expected, leads)})
    return rows


def doc_converters() -> list[dict]:
    """Each installed .doc converter on a Word 97 file LibreOffice made from the generated .docx: time, paragraphs."""
    import subprocess

    from indexer.ingest.formats import FormatOptions, extract
    from indexer.ingest.layout import parse_blocks

    soffice = shutil.which("soffice")
    if not soffice:
        return []
    want = rf.body_texts()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        doc = rf.convert(rf.as_docx(), ".docx", "doc", Path(tmp))
        (Path(tmp) / "r.doc").write_bytes(doc)
        runs = {"LibreOffice headless → .docx → our .docx reader": lambda: extract(doc, "r.doc", FormatOptions(doc_converter=soffice)).text}
        if antiword := shutil.which("antiword"):
            runs["antiword -m UTF-8.txt (ours)"] = lambda: extract(doc, "r.doc", FormatOptions(doc_converter=antiword)).text
        if catdoc := shutil.which("catdoc"):
            runs["catdoc -d utf-8 -w"] = lambda: subprocess.run([catdoc, "-d", "utf-8", "-w", str(Path(tmp) / "r.doc")],
                                                               capture_output=True, check=True).stdout.decode()
        for name, func in runs.items():
            start = time.perf_counter()
            text = func()
            seconds = time.perf_counter() - start
            blocks = parse_blocks(text)
            body = [b.text for b in blocks if b.kind == "body"]
            same = sum(a == b for a, b in zip(body, want))
            rows.append({"converter": name, "seconds": seconds, "paragraphs": f"{same}/{len(want)} identical"
                         + ("" if len(body) == len(want) else f", {len(body)} paragraphs"),
                         "headings": sum(b.kind == "heading" for b in blocks),
                         "leads": sum(1 for b in blocks if b.kind == "body" and b.lead)})
    return rows


def doc_table(rows: list[dict]) -> str:
    lines = ["| .doc converter | seconds per file | paragraphs vs the .docx | headings | bold leads |", "|---|---|---|---|---|"]
    lines += [f"| {r['converter']} | {r['seconds']:.2f} | {r['paragraphs']} | {r['headings']} | {r['leads']} |" for r in rows]
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    lines = ["| PDF | pages | extractor | pages/s (wall) | pages/s (CPU) | CJK output |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['pdf']} | {r['pages']} | {r['extractor']} | {r['pages_per_s']:.1f} | "
                     f"{r['cpu_pages_per_s']:.1f} | {r['quality']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure, print the table and append it to --results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows = run(args.pages)
    docs = doc_converters()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = f"\n## Document formats, {stamp} (`python -m bench.bench_formats --pages {args.pages}`)\n\n{table(rows)}\n"
    if docs:
        text += f"\n{doc_table(docs)}\n"
    print(text)
    with open(args.results, "a", encoding="utf-8") as f:
        f.write(text)
    return rows


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
