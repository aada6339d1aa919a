"""The thin command line over the library: `reportsearch search | export | trend`.

indexer/cli_index.py has reindex, add and remove; webapp.cli adds serve.

Config (environment variables, default paths) is read here, at the edge, and passed down as arguments.
Library exceptions become click.ClickException messages that say what to do next.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from indexer.config import default_index_dir
from indexer.errors import BadRequest, ReportSearchError, error_document
from indexer.limits import DEFAULT_PER_PAGE, MAX_PER_PAGE, page_count

if TYPE_CHECKING:
    from indexer.index.store import OpenIndex

corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of report files and catalog.toml [env REPORTSEARCH_CORPUS, else the bundled corpus/]; "
         "without --index it also picks that corpus's default index.",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Index folder [env REPORTSEARCH_INDEX, else ~/.local/share/reportsearch/index-<corpus>-<hash>: one per corpus].",
)
no_expand_option = click.option("--no-expand", "no_expand", is_flag=True,
                                 help="Search the query's own words only (no synonyms).")
synonyms_option = click.option(
    "--synonyms", "synonyms_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Synonyms file [env REPORTSEARCH_SYNONYMS, else the bundled indexer/synonyms.txt].")
SYNONYMS_HINT = "（修正该行，或用 --no-expand 只搜原词）"  # appended to a SynonymsError's message


def indexed_corpus(build: OpenIndex) -> str:
    """The corpus folder a build was made from, as recorded in its build meta."""
    return build.meta.get("corpus") or "unknown (built before builds recorded their corpus)"


@click.command()
@index_option
@corpus_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="Output format.")
def export(index_dir: Path | None, corpus_dir: Path | None, fmt: str) -> None:
    """Write every indexed paragraph in report order to stdout (JSONL UTF-8, or CSV with a header)."""
    import sys

    from indexer.export import iter_paragraphs, write_csv, write_jsonl
    from indexer.index.store import IndexMissing, IndexStale, Store

    index_dir = index_dir or default_index_dir(corpus_dir)
    out = sys.stdout
    if (out.encoding or "").lower().replace("-", "") != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")  # export is UTF-8 whatever the locale says
    try:
        build = Store(index_dir).current()  # one build for the whole export, even if a reindex switches
        writer = write_jsonl if fmt == "jsonl" else write_csv
        writer(iter_paragraphs(build), out)
        out.flush()
    except (IndexMissing, IndexStale) as exc:
        raise click.ClickException(str(exc)) from exc
    except BrokenPipeError:  # `reportsearch export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit


class _SearchCommand(click.Command):
    """`search` with --json: usage errors (unknown option, bad number) also come out as {"error": …}, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wants_json = "--json" in args  # read before parsing: click consumes `args` as it goes
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if wants_json:
                _json_out(error_document(exc.format_message(), BadRequest.status))
                ctx.exit(2)
            raise


def _json_out(doc: dict) -> None:
    import json
    import sys

    data = json.dumps(doc, ensure_ascii=False)
    sys.stdout.buffer.write(data.encode("utf-8") + b"\n")  # UTF-8 whatever the locale says
    sys.stdout.flush()


def _plain(snippet: str) -> str:
    """Snippet HTML → terminal text: marks as 【…】, entities unescaped."""
    import html

    return html.unescape(snippet.replace("<mark>", "【").replace("</mark>", "】"))


@click.command(cls=_SearchCommand)
@click.argument("query", required=False, default="")
@click.option("--institution", "institutions", multiple=True, help="Only this institution (repeatable: ORed).")
@click.option("--year", "years", multiple=True, help="Only paragraphs covering Y or Y1-Y2 (repeatable: ORed).")
@click.option("--theme", "themes", multiple=True, help="Only this theme (repeatable: ORed).")
@click.option("--page", default="1", help="Result page, from 1.", show_default=True)
@click.option("--per-page", "per_page", default=str(DEFAULT_PER_PAGE), help=f"Hits per page, 1..{MAX_PER_PAGE}.",
              show_default=True)
@index_option
@corpus_option
@no_expand_option
@synonyms_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as one UTF-8 JSON document.")
def search(query: str, institutions: tuple[str, ...], years: tuple[str, ...], themes: tuple[str, ...],
           page: str, per_page: str, index_dir: Path | None, corpus_dir: Path | None, no_expand: bool,
           synonyms_file: Path | None, as_json: bool) -> None:
    """Search the index: QUERY uses words, OR, -word, (…), "phrase", institution:/year:/theme: filters.

    Exit 0 for a search (even with no hits), 2 for bad arguments, 1 when there is no usable index.
    """
    from indexer.config import default_synonyms_path
    from indexer.index.store import Store
    from indexer.search.engine import check_facet_values
    from indexer.search.engine import search as run_search
    from indexer.search.evaluation.facets import FACET_LABELS
    from indexer.search.language.synonyms import SynonymsError, load_synonyms

    def fail(message: str, status: int) -> None:
        # exit 2 for the caller's mistake (4xx), 1 when there is no usable index (503)
        code = 2 if status < 500 else 1
        if as_json:
            _json_out(error_document(message, status))
            raise SystemExit(code)
        if code == 2:
            raise click.UsageError(message)
        raise click.ClickException(message)

    def number(value: str, name: str) -> int:
        try:
            return int(value.strip())
        except ValueError:
            fail(f"{name} 必须是整数（收到 {value!r}）", BadRequest.status)
            raise  # unreachable: fail() exits

    page_n = number(page, "--page")
    per_page_n = number(per_page, "--per-page")
    try:
        synonyms = None if no_expand else load_synonyms(synonyms_file or default_synonyms_path())
        index_path = index_dir or default_index_dir(corpus_dir)
        build = Store(index_path).current()  # both calls see the same build
        result = run_search(build, query, institutions=institutions, years=years, themes=themes,
                            page=page_n, per_page=per_page_n, synonyms=synonyms, expand=not no_expand)
        check_facet_values(build, institutions=institutions, themes=themes)  # after: bad page etc. come first
    except SynonymsError as exc:
        fail(f"{exc}{SYNONYMS_HINT}", exc.status)
        return
    except ReportSearchError as exc:  # bad arguments (400), no usable index (503)
        fail(str(exc), exc.status)
        return
    if as_json:
        _json_out(result)
        return
    total, pages = result["total"], page_count(result["total"], result["per_page"])
    click.echo(f"“{query}”：共 {total} 条结果（第 {result['page']}/{pages} 页）")
    if result["notice"]:
        click.echo(f"提示：{result['notice']}")
    if result["did_you_mean"]:
        click.echo("您是不是要找：" + "；".join(f"{a['query']}（{a['total']} 条）" for a in result["did_you_mean"]))
    first = (result["page"] - 1) * result["per_page"]
    for n, hit in enumerate(result["hits"], start=first + 1):
        years_text = "-".join(str(y) for y in (hit["years"][:1] + hit["years"][-1:])) if len(hit["years"]) > 1 \
            else "".join(str(y) for y in hit["years"])
        click.echo(f"\n{n}. {hit['title']} · {hit['institution']} · {years_text} · {hit['theme']}"
                   f"  [{hit['id']}, 得分 {hit['score']}]")
        if hit.get("partial"):
            click.echo(f"   （部分匹配，缺少：{'、'.join(hit['missing'])}）")
        if hit["section"]:
            click.echo(f"   § {hit['section']}")
        click.echo(f"   {_plain(hit['snippet'])}")
    for facet, counts in result["facets"].items():
        if counts:
            click.echo(f"\n{FACET_LABELS[facet]}：" + "；".join(f"{k}（{v}）" for k, v in counts.items()))
    click.echo(f"\n（索引 {index_path}：语料 {indexed_corpus(build)}）", err=True)  # which corpus answered


@click.command(cls=_SearchCommand)
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
    import sys

    from indexer.config import default_synonyms_path
    from indexer.errors import error_document
    from indexer.index.store import IndexMissing, IndexStale, Store
    from indexer.search.engine import SearchArgumentError
    from indexer.search.features.trends import trends
    from indexer.search.language.synonyms import SynonymsError, load_synonyms
    from indexer.trend_tables import institution_table, write_csv, write_text, year_table

    try:
        synonyms = None if no_expand else load_synonyms(synonyms_file or default_synonyms_path())
        result = trends(Store(index_dir or default_index_dir(corpus_dir)), list(terms), institutions=institutions,
                        themes=themes, synonyms=synonyms, expand=not no_expand)
    except (SearchArgumentError, SynonymsError, IndexMissing, IndexStale) as exc:
        message = f"{exc}{SYNONYMS_HINT}" if isinstance(exc, SynonymsError) else str(exc)
        if as_json:
            _json_out(error_document(message, exc.status))
            raise SystemExit(2 if exc.status == 400 else 1) from exc
        if exc.status == 400:
            raise click.UsageError(message) from exc
        raise click.ClickException(message) from exc
    if as_json:
        _json_out(result)
        return
    table = year_table(result) if by == "year" else institution_table(result)
    out = sys.stdout
    if (out.encoding or "").lower().replace("-", "") != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    if as_csv:
        write_csv(table, out)
        return
    for series in result["series"]:
        notice = f"（{series['notice']}）" if series["notice"] else ""
        click.echo(f"“{series['term']}”：{series['total']} 个段落{notice}")
    click.echo("（跨年度报告计入其覆盖的每一年；per_1000 = 该年命中段落数 / 该年段落数 × 1000）\n")
    write_text(table, out)


def make_cli(*extra: click.Command) -> click.Group:
    """The `reportsearch` group: reindex, add, remove, search, export and trend, plus `extra` (the console script adds serve)."""
    from indexer.cli_index import add, reindex, remove  # they import this module's options
    group = click.Group(
        "cli",
        help="reportsearch: full-text search over Chinese court and procuratorate work reports.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    click.version_option(package_name="reportsearch")(group)
    for command in (reindex, add, remove, search, export, trend, *extra):
        group.add_command(command)
    return group


cli = make_cli()  # the library's commands alone; webapp.cli builds the full `reportsearch` command
