"""What each report's figures file holds, in one small file per build: which files a figures query must read.

A query by metric, institution or year (/figures, /api/figures, `reportsearch figures`) used to read and decode
every report's file (≈ 200,000 rows at 100k paragraphs: 2.4 s for one metric, 5 s and ≈ 290 MB unfiltered). The
catalog, `<build>/figures/catalog.json`, keeps per report the canonical metric ids, institutions and year range
of its figures (small: a reader keeps it per build); `metrics.txt` beside it, one line per report in the
catalog's order, their metric phrases (normalised, apart by \x1f), scanned only for a query by phrase. Each
filter of query.select has a necessary condition here, so a query reads only the files that may hold a matching
figure, then applies the filters to their rows exactly as before. A build without a catalog (or with a damaged
one) is read whole, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexer.figures.model import FIELD_INDEX
from indexer.figures.phrases import normalise_metric

CATALOG_FILE = "catalog.json"
METRICS_FILE = "metrics.txt"
# between the phrases of a line: whitespace to normalise_metric, so no normalised phrase or query holds it
SEPARATOR = "\x1f"
_YEARS, _METRIC, _INSTITUTION, _CANONICAL = (FIELD_INDEX[n] for n in ("years", "metric", "institution", "canonical"))


def report_entry(rows: Iterable[Sequence]) -> dict:
    """The catalog entry of one report's figure rows (tuples in FIELD_NAMES order, as a build writes them)."""
    canonical: set[str] = set()
    institutions: set[str] = set()
    metrics: dict[str, None] = {}
    low, high = None, None
    for row in rows:
        if row[_CANONICAL] is not None:
            canonical.add(row[_CANONICAL])
        institutions.add(row[_INSTITUTION])
        metrics[normalise_metric(row[_METRIC])] = None
        for year in row[_YEARS]:
            low = year if low is None or year < low else low
            high = year if high is None or year > high else high
    return {"canonical": sorted(canonical), "institutions": sorted(institutions), "metrics": SEPARATOR.join(metrics),
            "years": [low, high] if low is not None else None}


def write_catalog(folder: Path, entries: dict[str, dict]) -> None:
    """Write the entries (report id → report_entry) of a build's figures folder: catalog.json and metrics.txt."""
    (folder / METRICS_FILE).write_text("".join(e["metrics"] + "\n" for e in entries.values()), encoding="utf-8")
    small = {rid: {k: v for k, v in e.items() if k != "metrics"} for rid, e in entries.items()}
    (folder / CATALOG_FILE).write_text(json.dumps({"reports": small}, ensure_ascii=False), encoding="utf-8")


def read_catalog(folder: Path) -> dict[str, dict] | None:
    """The entries of a figures folder's catalog, None when it has none that reads."""
    try:
        data = json.loads((folder / CATALOG_FILE).read_text(encoding="utf-8"))
        entries = data["reports"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entries if isinstance(entries, dict) else None


def read_entries(folder: Path) -> dict[str, dict] | None:
    """The full entries (metric phrases too) of a figures folder, as write_catalog was given them; None when its
    catalog or metrics.txt is missing, damaged, or the two do not fit (an incremental build carries them over)."""
    catalog = read_catalog(folder)
    lines = _metric_lines(folder, catalog) if catalog is not None else None
    if catalog is None or lines is None:
        return None
    return {rid: {**entry, "metrics": line} for (rid, entry), line in zip(catalog.items(), lines)}


def with_phrase(folder: Path, catalog: dict[str, dict], phrase: str) -> set[str] | None:
    """The reports of the catalog with a figure whose normalised metric phrase contains phrase (normalised), read
    from metrics.txt; None when that file is missing or does not fit the catalog."""
    lines = _metric_lines(folder, catalog)
    return None if lines is None else {rid for rid, line in zip(catalog, lines) if phrase in line}


def _metric_lines(folder: Path, catalog: dict[str, dict]) -> list[str] | None:
    """metrics.txt's lines, one per catalog entry in its order; None when the file is missing, damaged or does not
    fit the catalog (one line per entry, each ended by a newline)."""
    try:
        lines = (folder / METRICS_FILE).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) != len(catalog) + 1 or lines[-1]:
        return None
    return lines[:-1]


def may_match(entry: dict, *, canonical_id: str | None, institutions: set[str], span: tuple[int, int] | None,
              canonical_only: bool) -> bool:
    """False only when no figure of the entry's report can pass query.select's filters (each a necessary condition;
    a metric phrase is checked by with_phrase).

    canonical_id: the canonical metric the metric filter names; institutions: wanted names (empty: any); span:
    the year filter."""
    if canonical_id is not None and canonical_id not in entry["canonical"]:
        return False
    if canonical_only and not entry["canonical"]:
        return False
    if institutions and institutions.isdisjoint(entry["institutions"]):
        return False
    if span is not None:
        years = entry["years"]
        if years is None or years[1] < span[0] or years[0] > span[1]:
            return False
    return True
