"""A trends() result as flat tables (header row + rows), for `reportsearch trend`'s text and --csv output."""

from __future__ import annotations

import csv
from typing import TextIO

from indexer.export import csv_cell

Table = list[list[object]]


def year_table(result: dict) -> Table:
    """One row per year: year, paragraphs (the denominator), then count and per-1,000 of each term."""
    header: list[object] = ["year", "paragraphs"]
    for term in result["terms"]:
        header += [f"{term} count", f"{term} per_1000"]
    rows: Table = [header]
    for n, year in enumerate(result["years"]):
        row: list[object] = [year, result["paragraphs"][str(year)]]
        for series in result["series"]:
            point = series["by_year"][n]
            row += [point["count"], point["per_1000"]]
        rows.append(row)
    return rows


def institution_table(result: dict) -> Table:
    """One row per term and institution in first-mention order: first year, paragraphs, then a count per year."""
    years = result["years"]
    rows: Table = [["term", "institution", "first_year", "paragraphs", *years]]
    for series in result["series"]:
        for entry in series["spread"]:
            cells = series["grid"].get(entry["institution"], {})
            rows.append([series["term"], entry["institution"], entry["first_year"], entry["paragraphs"],
                         *(cells.get(str(y), 0) for y in years)])
    return rows


def write_csv(table: Table, out: TextIO) -> None:
    """The table as CSV with its header row, every cell (terms included) guarded by the export's csv_cell."""
    csv.writer(out, lineterminator="\n").writerows([("" if v is None else csv_cell(v)) for v in row] for row in table)


def write_text(table: Table, out: TextIO) -> None:
    """The table as aligned columns for a terminal (CJK characters counted two columns wide)."""
    def width(value: object) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))

    widths = [max(width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        out.write("  ".join(str(v) + " " * (widths[i] - width(v)) for i, v in enumerate(row)).rstrip() + "\n")
