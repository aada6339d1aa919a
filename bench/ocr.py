"""OCR engines on scanned report pages made here: character accuracy, whole paragraphs, pages per minute (issue 21).

    .venv/bin/python -m bench.ocr [--engines rapidocr,tesseract] [--dpi 150,200,300] [--reports all] [--results bench/RESULTS.md]

The pages: a bundled report (corpus/, headings and body paragraphs; --reports all adds the second, 6 more pages)
typeset in one column and again in two columns under a full-width title (bench/data/scans.py: reportlab, a CJK font, running header, page
numbers), rendered by PDFium at each --dpi and made to look scanned (grey uneven paper, grey ink, blur,
noise, each page skewed by a random angle up to 1°, seeded). Each engine reads them through the code ingest
uses (indexer/ingest/ocr: deskew, engine, ink sizes, reading order with columns, the PDF layout rules), as PNG
files at each resolution, and at 200 dpi also as image-only PDFs (JPEG inside, quality 75) and as one multi-page
TIFF per report. The default run is 7 pages per resolution and container (about 6 minutes for both engines).

Measured per engine, resolution and container:
- characters: 1 − CER, the edit distance between the text drawn on each page (header and footer included) and
  the engine's lines in our reading order, over the drawn text's length; whitespace ignored, both sides
  NFKC-folded (a half-width comma for a full-width one is no error); "exact" without the folding;
- paragraphs whole: source body paragraphs found as one body block of the OCR'd report, ≤ max(2, 5 %) of their
  characters differing (a paragraph split in two, or run into the next, is not whole). The row "text layer"
  runs the same count on the typeset PDF's own text (formats/pdf.py): the layout rules' ceiling;
- CPU seconds per page (the process and its children: ONNX threads, the tesseract program) and mean confidence.
Then throughput at 200 dpi on this machine: pages per minute (wall) with one process (engine threads = 2)
and with two processes of one thread each, as ingest could run one parsing child per core.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import measure
from bench.data import scans

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "RESULTS.md"
SOURCES = {  # corpus file → the title it is typeset under
    "pinghu-court-procuratorate-2017-2021.txt": "平湖市人民法院、平湖市人民检察院五年工作回顾",
    "jiaxing-intermediate-court-2020.txt": "嘉兴市中级人民法院工作报告",
}
TWO_COLUMN = "jiaxing-intermediate-court-2020.txt"


@dataclass
class Document:
    """One typeset report: its blocks, columns, and the typeset PDF with each page's drawn lines."""

    name: str
    report: list[tuple[str, str]]
    columns: int
    typeset: scans.Typeset


@dataclass
class Row:
    engine: str
    dpi: int
    form: str
    pages: int = 0
    edits: int = 0
    edits_exact: int = 0
    chars: int = 0
    whole: dict[int, list[int]] = field(default_factory=dict)  # columns → [paragraphs whole, paragraphs]
    cpu: float = 0.0
    confidence: list[float] = field(default_factory=list)


def report_blocks(name: str) -> list[tuple[str, str]]:
    """A bundled report as (kind, text) blocks: its title, headings and body paragraphs (leads marked with |)."""
    from indexer.ingest.layout import parse_blocks

    blocks: list[tuple[str, str]] = [("title", SOURCES[name])]
    for b in parse_blocks((REPO_ROOT / "corpus" / name).read_text(encoding="utf-8")):
        if b.kind == "heading" and b.level != 1:
            blocks.append(("heading", b.text))
        elif b.kind == "body":
            text = b.text
            if b.lead and text.startswith(b.lead) and len(b.lead) < len(text):
                blocks.append(("lead", b.lead + "|" + text[len(b.lead):]))
            else:
                blocks.append(("body", text))
    return blocks


def documents(names: list[str] | None = None) -> list[Document]:
    """The named reports (all of SOURCES by default) in one column, and TWO_COLUMN again in two columns."""
    docs = []
    for name, title in SOURCES.items():
        if names is not None and name not in names:
            continue
        report = report_blocks(name)
        docs.append(Document(name, report, 1, scans.typeset(report, title=title)))
        if name == TWO_COLUMN:
            docs.append(Document(name + " (2 columns)", report, 2, scans.typeset(report, columns=2, title=title)))
    return docs


def scanned(doc: Document, dpi: int) -> list[Any]:
    """The document's pages rendered at dpi and degraded (seeded by page, so every engine gets the same pages)."""
    return [scans.degrade(p, dpi, seed=1000 * doc.columns + i) for i, p in enumerate(scans.render(doc.typeset.pdf, dpi))]


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _score(row: Row, doc: Document, pages: list[Any]) -> None:
    """Add the document's character and paragraph counts (pages: OcrPages in document order) to the row."""
    from indexer.ingest.ocr.pages import ocr_blocks, reading_order

    for page, drawn in zip(pages, doc.typeset.pages):
        got = "".join(r.text for r in reading_order(page))
        want = "".join(drawn)
        row.edits += scans.edit_distance(scans.compact(want), scans.compact(got))
        row.edits_exact += scans.edit_distance(scans.compact(want, fold=False), scans.compact(got, fold=False))
        row.chars += len(scans.compact(want))
        row.confidence.append(page.confidence())
    _count(row, doc, [b.text for b in ocr_blocks(pages) if b.kind == "body"])


def _count(row: Row, doc: Document, found: list[str]) -> None:
    wanted = scans.bodies(doc.report)
    counts = row.whole.setdefault(doc.columns, [0, 0])
    counts[0] += sum(scans.whole(found, wanted))
    counts[1] += len(wanted)


def run_engine(engine_name: str, dpis: list[int], docs: list[Document]) -> list[Row]:
    """Every document at every resolution through the engine as PNG files; at 200 dpi also as image-only PDFs and TIFF."""
    from indexer.ingest.ocr.engines import load_engine
    from indexer.ingest.ocr.read import ocr_image_file, ocr_scanned_pdf

    engine = load_engine(engine_name)
    rows = []
    for dpi in dpis:
        images = {doc.name: scanned(doc, dpi) for doc in docs}
        forms = ["png", "pdf", "tiff"] if dpi == 200 else ["png"]  # the containers differ in packing, not in pixels
        for form in forms:
            row = Row(engine.name, dpi, form)
            for doc in docs:
                pages = images[doc.name]
                start = _cpu()
                if form == "png":
                    ocr = [p for image in pages for p in ocr_image_file(scans.as_png(image, dpi), engine)]
                elif form == "tiff":
                    ocr = ocr_image_file(scans.as_tiff(pages, dpi), engine)
                else:
                    found = ocr_scanned_pdf(scans.as_image_pdf(pages, dpi), engine)
                    ocr = [found[i] for i in sorted(found)]
                row.cpu += _cpu() - start
                row.pages += len(ocr)
                _score(row, doc, ocr)
            rows.append(row)
            print(line(row), flush=True)
    return rows


def text_layer(docs: list[Document]) -> Row:
    """The paragraph count on the typeset PDFs' own text layer (formats/pdf.py, then parse_blocks): the ceiling."""
    from indexer.ingest.formats import extract
    from indexer.ingest.layout import parse_blocks

    row = Row("text layer (formats/pdf.py)", 0, "pdf")
    for doc in docs:
        start = _cpu()
        text = extract(doc.typeset.pdf, doc.name + ".pdf").text
        row.cpu += _cpu() - start
        row.pages += len(doc.typeset.pages)
        _count(row, doc, [b.text for b in parse_blocks(text) if b.kind == "body"])
    return row


def _worker(job: tuple[str, int, list[Any], int]) -> tuple[int, float]:
    """In a forked child: OCR the pages with its own engine; (pages, CPU seconds including loading the engine)."""
    from indexer.ingest.ocr.engines import load_engine
    from indexer.ingest.ocr.images import PageImage
    from indexer.ingest.ocr.session import ocr_page

    engine_name, threads, pages, dpi = job
    start = _cpu()
    engine = load_engine(engine_name, threads=threads)
    for pixels in pages:
        ocr_page(engine, PageImage(pixels, dpi))
    return len(pages), _cpu() - start


def throughput(engine_name: str, pages: list[Any], dpi: int, procs: int) -> tuple[float, float]:
    """(pages per minute, CPU seconds per page) OCR'ing the pages in `procs` processes of 2 // procs threads each."""
    from indexer.forking import fork_map

    jobs = [(engine_name, max(1, 2 // procs), pages[k::procs], dpi) for k in range(procs)]
    start = time.perf_counter()
    done = fork_map(_worker, jobs)
    wall = time.perf_counter() - start
    n = sum(d[0] for d in done)
    return 60 * n / wall, sum(d[1] for d in done) / n


def line(row: Row) -> str:
    """One table row."""
    chars = f"{100 * (1 - row.edits / row.chars):.2f} %" if row.chars else "—"
    exact = f"{100 * (1 - row.edits_exact / row.chars):.2f} %" if row.chars else "—"
    conf = f"{sum(row.confidence) / len(row.confidence):.3f}" if row.confidence else "—"
    dpi = str(row.dpi) if row.dpi else "—"
    whole = " | ".join(
        f"{row.whole[c][0]}/{row.whole[c][1]} ({100 * row.whole[c][0] / max(1, row.whole[c][1]):.1f} %)" if c in row.whole else "—"
        for c in (1, 2)
    )
    return (f"| {row.engine} | {dpi} | {row.form} | {row.pages} | {chars} | {exact} | {whole}"
            f" | {row.cpu / max(1, row.pages):.2f} | {conf} |")


HEADER = ("| engine | dpi | container | pages | characters (1 − CER, NFKC) | exact | paragraphs whole, 1 column"
          " | 2 columns | CPU s/page | confidence |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")


def main(argv: list[str] | None = None) -> int:
    """Measure, print the tables and append them to --results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--reports", default=TWO_COLUMN, help="corpus files to typeset, comma-separated, or 'all'")
    parser.add_argument("--throughput-pages", type=int, default=4)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    dpis = [int(d) for d in args.dpi.split(",")]
    docs = documents(None if args.reports == "all" else args.reports.split(","))
    started = time.perf_counter()
    print(HEADER)
    rows = [text_layer(docs)]
    print(line(rows[0]))
    for name in engines:
        rows += run_engine(name, dpis, docs)
    speed = []
    pages = [p for doc in docs for p in scanned(doc, 200)][: args.throughput_pages]
    for name in engines:
        for procs in (1, 2):
            per_min, cpu = throughput(name, pages, 200, procs)
            speed.append(f"| {name} | {procs} × {max(1, 2 // procs)} | {len(pages)} | {per_min:.1f} | {cpu:.2f} |")
            print(speed[-1], flush=True)
    facts = measure.machine_facts()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    total_pages = sum(len(d.typeset.pages) for d in docs)
    text = (
        f"\n## {stamp} · OCR engines on scanned report pages (issue 21) · commit {measure.git_commit(REPO_ROOT)}\n\n"
        f"`python -m bench.ocr --engines {args.engines} --dpi {args.dpi} --reports {args.reports}`: {len(docs)} typeset reports"
        f" ({total_pages} A4 pages, 12-point body, one report also in two columns), each page degraded"
        f" (grey paper, noise, blur, skew ≤ 1°). {facts['cpus']} CPUs ({facts['cpu_model']}), Python {facts['python']};"
        f" load average {load} at the end; {time.perf_counter() - started:.0f} s in all.\n\n"
        f"{HEADER}\n" + "\n".join(line(r) for r in rows) + "\n\n"
        "Throughput at 200 dpi (wall time on this shared machine; CPU s/page includes loading the engine):\n\n"
        "| engine | processes × threads | pages | pages/min | CPU s/page |\n|---|---|---:|---:|---:|\n"
        + "\n".join(speed) + "\n"
    )
    print(text)
    with open(args.results, "a", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
