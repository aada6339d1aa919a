"""`reportsearch search`: one page of ranked hits, as text for a terminal or as the API's JSON document."""

from __future__ import annotations

import html
from pathlib import Path

import click

from indexer.cli.errors import JsonErrorsCommand, fail, library_errors, print_json
from indexer.cli.options import (
    chosen_synonyms,
    corpus_option,
    index_option,
    indexed_corpus,
    no_expand_option,
    synonyms_option,
)
from indexer.config import default_index_dir
from indexer.errors import BadRequest
from indexer.limits import DEFAULT_PER_PAGE, MAX_PER_PAGE, SORTS, page_count, year_label


def plain(snippet: str) -> str:
    """Snippet HTML → terminal text: marks as 【…】, entities unescaped."""
    return html.unescape(snippet.replace("<mark>", "【").replace("</mark>", "】"))


def echo_result(query: str, result: dict) -> None:
    """The search result as text: count and page, notices, hits with their source and snippet, facets."""
    from indexer.search.evaluation.facets import FACET_LABELS

    total, pages = result["total"], page_count(result["total"], result["per_page"])
    click.echo(f"“{query}”：共 {total} 条结果（第 {result['page']}/{pages} 页）")
    if result["notice"]:
        click.echo(f"提示：{result['notice']}")
    if result["did_you_mean"]:
        click.echo("您是不是要找：" + "；".join(f"{a['query']}（{a['total']} 条）" for a in result["did_you_mean"]))
    first = (result["page"] - 1) * result["per_page"]
    for n, hit in enumerate(result["hits"], start=first + 1):
        years_text = year_label(hit["years"][0], hit["years"][-1]) if hit["years"] else ""
        click.echo(f"\n{n}. {hit['title']} · {hit['institution']} · {years_text} · {hit['theme']}"
                   f"  [{hit['id']}, 得分 {hit['score']}]")
        if hit.get("partial"):
            click.echo(f"   （部分匹配，缺少：{'、'.join(hit['missing'])}）")
        if hit.get("related"):
            click.echo(f"   （相关：{'、'.join(hit['related'])}）")
        if hit.get("semantic"):
            click.echo("   （语义相近）")
        if hit["section"]:
            click.echo(f"   § {hit['section']}")
        click.echo(f"   {plain(hit['snippet'])}")
    for facet, counts in result["facets"].items():
        if counts:
            click.echo(f"\n{FACET_LABELS[facet]}：" + "；".join(f"{k}（{v}）" for k, v in counts.items()))


@click.command(cls=JsonErrorsCommand)
@click.argument("query", required=False, default="")
@click.option("--institution", "institutions", multiple=True, help="Only this institution (repeatable: ORed).")
@click.option("--year", "years", multiple=True, help="Only paragraphs covering Y or Y1-Y2 (repeatable: ORed).")
@click.option("--theme", "themes", multiple=True, help="Only this theme (repeatable: ORed).")
@click.option("--within", "within", multiple=True,
              help="A required term added to QUERY (在结果中检索; repeatable, each in the query syntax).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="relevance (相关度), newest or oldest (最新/最早: the report's date, ties by relevance).")
@click.option("--same-sentence", "same_sentence", is_flag=True,
              help="同句: the query's words within one sentence (split on 。！？；).")
@click.option("--page", default="1", help="Result page, from 1.", show_default=True)
@click.option("--per-page", "per_page", default=str(DEFAULT_PER_PAGE), help=f"Hits per page, 1..{MAX_PER_PAGE}.",
              show_default=True)
@index_option
@corpus_option
@no_expand_option
@synonyms_option
@click.option("--related", is_flag=True, help="After few full matches, list related paragraphs too (labelled 相关).")
@click.option("--semantic", is_flag=True, help="Use the index's embeddings (reindex --semantic): fusion and 语义相近 hits.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one UTF-8 JSON document.")
def search(query: str, institutions: tuple[str, ...], years: tuple[str, ...], themes: tuple[str, ...],
           within: tuple[str, ...], sort: str, same_sentence: bool, page: str, per_page: str, index_dir: Path | None,
           corpus_dir: Path | None, no_expand: bool, synonyms_file: Path | None, related: bool, semantic: bool,
           as_json: bool) -> None:
    """Search the index: QUERY uses words, OR, -word, (…), "phrase", A NEAR/n B, institution:/year:/theme: filters.

    Exit 0 for a search (even with no hits), 2 for bad arguments, 1 when there is no usable index.
    """
    from indexer.index.store import Store
    from indexer.search.engine import search as run_search

    def number(value: str, name: str) -> int:
        try:
            return int(value.strip())
        except ValueError:
            fail(f"{name} 必须是整数（收到 {value!r}）", BadRequest.status, as_json)

    page_n = number(page, "--page")
    per_page_n = number(per_page, "--per-page")
    with library_errors(as_json):
        synonyms = chosen_synonyms(no_expand, synonyms_file)
        index_path = index_dir or default_index_dir(corpus_dir)
        build = Store(index_path).current()
        # strict: an institution or theme the build does not have is refused (after bad page etc.), not 0 hits
        result = run_search(build, query, institutions=institutions, years=years, themes=themes,
                            page=page_n, per_page=per_page_n, synonyms=synonyms, expand=not no_expand, strict=True,
                            sort=sort, sentence=same_sentence, within=list(within), related=related,
                            semantic=semantic)
    if as_json:
        print_json(result)
        return
    echo_result(query, result)
    click.echo(f"\n（索引 {index_path}：语料 {indexed_corpus(build)}）", err=True)  # which corpus answered
