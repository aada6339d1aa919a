"""A corpus of scanned reports made from text we control (bench/data/scans.py), indexed by `reportsearch reindex`.

Three files, 6 pages in all, at 200 dpi with grey paper, noise, blur and a skew up to 1°:
- scan.pdf: bench.data.report_files.REPORT typeset in one column, as an image-only PDF (3 pages);
- two-columns.tif: the same report in two columns under a full-width title, one multi-page TIFF (2 pages);
- page.png: the first part of the report (SHORT, one page), a photographed handout.
SOURCES maps each file to the body paragraphs it must give (the "text version" the OCR'd one is held to).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bench.data import scans
from bench.data.report_files import REPORT

DPI = 200
SHORT = REPORT[:7]  # title, delivery line, byline, two opening paragraphs, a heading, one long paragraph: one page
SOURCES = {
    "scan.pdf": scans.bodies(REPORT),
    "two-columns.tif": scans.bodies(REPORT),
    "page.png": scans.bodies(SHORT),
}
PAGES = {"scan.pdf": 3, "two-columns.tif": 2, "page.png": 1}
CATALOG = "".join(
    f'[[report]]\nfile = "{name}"\ntitle = "扫描件测试报告{n}"\ninstitution = "平湖市人民法院"\nyear = 2023\n\n'
    for n, name in enumerate(SOURCES, 1)
)


def pages(report: scans.Blocks, *, columns: int = 1, seed: int = 0) -> list:
    """The report typeset, rendered at DPI and degraded as a scan."""
    typeset = scans.typeset(report, columns=columns)
    return [scans.degrade(p, DPI, seed=seed + i) for i, p in enumerate(scans.render(typeset.pdf, DPI))]


def write_scanned_corpus(corpus: Path) -> Path:
    """The three scanned files and their catalog entries in corpus (created)."""
    corpus.mkdir(parents=True, exist_ok=True)
    one = pages(REPORT)
    assert len(one) == PAGES["scan.pdf"]
    (corpus / "scan.pdf").write_bytes(scans.as_image_pdf(one, DPI))
    two = pages(REPORT, columns=2, seed=100)
    assert len(two) == PAGES["two-columns.tif"]
    (corpus / "two-columns.tif").write_bytes(scans.as_tiff(two, DPI))
    (short,) = pages(SHORT, seed=200)
    (corpus / "page.png").write_bytes(scans.as_png(short, DPI))
    (corpus / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    return corpus


def reindex(corpus: Path, index: Path, *args: str) -> Result:
    """`reportsearch reindex` in this process (so a test's monkeypatch reaches the forked parsing children)."""
    from webapp.cli import cli

    return CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index), *args])


def missing_paragraphs(found: list[str], wanted: list[str]) -> list[str]:
    """The wanted paragraphs not found whole among `found` (≤ max(2, 5 %) of their characters differing)."""
    return [w for w, ok in zip(wanted, scans.whole(found, wanted)) if not ok]
