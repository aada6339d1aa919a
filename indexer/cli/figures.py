"""`reportsearch figures`: the statistics the reports state, by metric, institution and year (text, CSV or JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.cli.errors import JsonErrorsCommand, fail, library_errors, print_json
from indexer.cli.options import corpus_option, index_option, utf8_stdout
from indexer.config import default_index_dir
from indexer.errors import BadRequest
from indexer.limits import year_label


def _value(f: dict, unit: str) -> str:
    """A statement for a terminal: the normalised value and unit, the qualifier, the text as written."""
    value = f"{f['value']:,}" if isinstance(f["value"], int) else f"{f['value']:,.4g}" if f["value"] >= 1e4 else str(f["value"])
    change = {"up": "↑", "down": "↓"}.get(f["direction"] or "", "")
    approx = f"（{f['approx']}）" if f["approx"] else ""
    return f"{change}{value}{unit}{approx} «{f['span']}» [{f['paragraph']}]"


def echo_rows(result: dict) -> None:
    """The rows as text: one heading line per row, then each statement (a conflict flagged, nothing merged)."""
    click.echo(f"{result['total']} 行，{result['figures']} 个数字"
               + (f"，{result['conflicts']} 行数值不一致" if result["conflicts"] else ""))
    for row in result["rows"]:
        years = year_label(row["years"][0], row["years"][-1]) if row["years"] else "—"
        scope = f"［{row['scope']}］" if row["scope"] else ""
        kind = "（变化）" if row["kind"] == "change" else ""
        conflict = "  ⚠ 数值不一致" if row["conflict"] else ""
        click.echo(f"\n{row['label']}{scope}{kind} · {row['institution']} · {years}{conflict}")
        for f in row["figures"]:
            click.echo(f"   {_value(f, row['unit'])}")


@click.command(cls=JsonErrorsCommand)
@click.option("--metric", default=None, help="A canonical metric (id or Chinese label: cases_received, 结案率) "
                                             "or any phrase (figures whose metric phrase contains it).")
@click.option("--institution", "institutions", multiple=True, help="Only this institution (repeatable: ORed).")
@click.option("--year", default=None, help="Only figures about Y or Y1-Y2 (overlapping it).")
@index_option
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as one UTF-8 JSON document (/api/figures's).")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV line per statement.")
def figures(metric: str | None, institutions: tuple[str, ...], year: str | None, index_dir: Path | None,
            corpus_dir: Path | None, as_json: bool, as_csv: bool) -> None:
    """The figures the reports state (caseloads, amounts, rates), by metric, institution and year.

    Values that disagree for the same institution, years and metric are listed side by side, each with its
    paragraph id. Exit 0 (even with no figures), 2 for bad arguments, 1 without a usable index.
    """
    from indexer.cli.trend_tables import write_csv
    from indexer.index.store import Store
    from indexer.search.features.figures import figure_table
    from indexer.search.features.figures import figures as run_figures

    if as_json and as_csv:
        fail("--json 与 --csv 只能选一个", BadRequest.status, as_json)
    with library_errors(as_json):
        result = run_figures(Store(index_dir or default_index_dir(corpus_dir)), metric=metric,
                             institutions=institutions, year=year)
    if as_json:
        print_json(result)
    elif as_csv:
        write_csv(figure_table(result), utf8_stdout())
    else:
        echo_rows(result)
