"""`reportsearch trend`: how 1–5 queries occur by year and institution, as tables, CSV or the API's JSON."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.cli.errors import JsonErrorsCommand, library_errors, print_json
from indexer.cli.options import (
    chosen_synonyms,
    corpus_option,
    index_option,
    no_expand_option,
    synonyms_option,
    utf8_stdout,
)
from indexer.config import default_index_dir


@click.command(cls=JsonErrorsCommand)
@click.argument("terms", nargs=-1)
@click.option("--by", type=click.Choice(["year", "institution"]), default="year", show_default=True,
              help="Table to print: terms by year, or institutions in order of first mention × year.")
@click.option("--institution", "institutions", multiple=True, help="Only this institution (repeatable: ORed).")
@click.option("--theme", "themes", multiple=True, help="Only this theme (repeatable: ORed).")
@index_option
@corpus_option
@no_expand_option
@synonyms_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole result (every table) as one UTF-8 JSON document.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the --by table as CSV.")
def trend(terms: tuple[str, ...], by: str, institutions: tuple[str, ...], themes: tuple[str, ...],
          index_dir: Path | None, corpus_dir: Path | None, no_expand: bool, synonyms_file: Path | None,
          as_json: bool, as_csv: bool) -> None:
    """How 1–5 queries (TERM…, each in the search syntax) occur by year and institution.

    Counts are matching paragraphs; a range report counts in every year it covers; per_1000 divides by
    the paragraphs of that year under the same filters. Exit 0, 2 for bad arguments, 1 without an index.
    """
    from indexer.cli.trend_tables import institution_table, write_csv, write_text, year_table
    from indexer.index.store import Store
    from indexer.search.features.trends import trends

    with library_errors(as_json):
        synonyms = chosen_synonyms(no_expand, synonyms_file)
        result = trends(Store(index_dir or default_index_dir(corpus_dir)), list(terms), institutions=institutions,
                        themes=themes, synonyms=synonyms, expand=not no_expand)
    if as_json:
        print_json(result)
        return
    table = year_table(result) if by == "year" else institution_table(result)
    out = utf8_stdout()
    if as_csv:
        write_csv(table, out)
        return
    for series in result["series"]:
        notice = f"（{series['notice']}）" if series["notice"] else ""
        click.echo(f"“{series['term']}”：{series['total']} 个段落{notice}")
    click.echo("（跨年度报告计入其覆盖的每一年；per_1000 = 该年命中段落数 / 该年段落数 × 1000）\n")
    write_text(table, out)
