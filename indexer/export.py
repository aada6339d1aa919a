"""Export: every indexed paragraph in report order, as dicts (Paragraph.to_dict() shape), JSONL or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from whoosh.query import Every

from indexer.index.schema import from_stored
from indexer.index.store import Store

FIELDS = ("id", "report", "title", "institution", "years", "theme", "section", "position", "text")


def iter_paragraphs(store: Store) -> Iterator[dict]:
    """Every paragraph of the current build in corpus order: {"id","report","title",…,"text"}."""
    opened = store.current()
    with opened.searcher() as searcher:
        results = searcher.search(Every(), sortedby="seq", limit=None)
        for hit in results:
            yield from_stored(hit.fields()).to_dict()


def write_jsonl(paragraphs: Iterator[dict], out: TextIO) -> int:
    """One JSON object a line, UTF-8 characters as they are (not ASCII-escaped); returns the count."""
    count = 0
    for paragraph in paragraphs:
        out.write(json.dumps(paragraph, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def write_csv(paragraphs: Iterator[dict], out: TextIO) -> int:
    """CSV with a header row of the export keys; years joined by ';'; returns the count."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for paragraph in paragraphs:
        writer.writerow({**paragraph, "years": ";".join(str(y) for y in paragraph["years"])})
        count += 1
    return count
