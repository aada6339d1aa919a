"""Export: paragraphs as dicts (Paragraph.to_dict() shape), written as JSONL or CSV.

The one CSV writer of the project: `reportsearch export --format csv` (every paragraph, columns FIELDS, a
contract: add, never rename or drop) and the web's ranked `/export.csv` (RANKED_FIELDS: FIELDS plus rank
and score) write the same cells: years joined by ';', and a cell that a spreadsheet would run as a
formula (starting with = + - @ tab or CR) prefixed with ' so it stays plain text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

import numpy as np

from indexer.index.schema import from_stored
from indexer.index.store import OpenIndex, Store, pinned
from indexer.search.evaluation.context import context

FIELDS = ("id", "report", "title", "institution", "years", "theme", "section", "position", "text")
RANKED_FIELDS = ("rank", "id", "report", "title", "institution", "years", "theme", "section", "position", "score",
                 "text")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iter_paragraphs(store: Store | OpenIndex) -> Iterator[dict]:
    """Every paragraph of the build in corpus order (build.json's report order, then position)."""
    opened = pinned(store)
    with opened.hold():
        ctx = context(opened)
        docs = ctx.universe[np.argsort(ctx.order()[ctx.universe], kind="stable")]
        for docnum in docs.tolist():
            yield from_stored(ctx.stored(docnum)).to_dict()


def write_jsonl(paragraphs: Iterable[dict], out: TextIO) -> int:
    """One JSON object a line, UTF-8 characters as they are (not ASCII-escaped); returns the count."""
    count = 0
    for paragraph in paragraphs:
        out.write(json.dumps(paragraph, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def csv_cell(value: object) -> str:
    """One CSV cell: a list (years) joined by ';'; a would-be formula made plain text with a leading '."""
    text = ";".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[dict], out: TextIO, *, columns: tuple[str, ...] = FIELDS,
              lineterminator: str = "\n") -> int:
    """CSV with a header row of `columns`, each row's cells through csv_cell; returns the count."""
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(c, "")) for c in columns])
        count += 1
    return count
