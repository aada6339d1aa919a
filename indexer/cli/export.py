"""`reportsearch export`: every indexed paragraph in report order, as JSONL or CSV on stdout."""

from __future__ import annotations

import os
from pathlib import Path

import click

from indexer.cli.options import corpus_option, index_option, utf8_stdout
from indexer.config import default_index_dir


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
    out = utf8_stdout()  # export is UTF-8 whatever the locale says
    try:
        build = Store(index_dir).current()  # one build for the whole export, even if a reindex switches
        writer = write_jsonl if fmt == "jsonl" else write_csv
        writer(iter_paragraphs(build), out)
        out.flush()
    except (IndexMissing, IndexStale) as exc:
        raise click.ClickException(str(exc)) from exc
    except BrokenPipeError:  # `reportsearch export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
