"""The thin command line over the library: `reportsearch reindex | search | export` (serve lives in webapp.cli).

Config (environment variables, default paths) is read here, at the edge, and passed down as arguments.
Library exceptions become click.ClickException messages that say what to do next.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """$REPORTSEARCH_CORPUS, else the repository's bundled corpus/."""
    env = os.environ.get("REPORTSEARCH_CORPUS")
    return Path(env) if env else REPO_ROOT / "corpus"


def default_index_dir() -> Path:
    """$REPORTSEARCH_INDEX, else a data folder outside the source tree ($XDG_DATA_HOME/reportsearch/index)."""
    env = os.environ.get("REPORTSEARCH_INDEX")
    if env:
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "reportsearch" / "index"


corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of report files and catalog.toml [env REPORTSEARCH_CORPUS, else the bundled corpus/].",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Index folder [env REPORTSEARCH_INDEX, else ~/.local/share/reportsearch/index].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportsearch")
def cli() -> None:
    """reportsearch: full-text search over Chinese court and procuratorate work reports."""


def _test_pause_hook() -> Callable[[str], None]:
    """REPORTSEARCH_TEST_PAUSE=<phase>: stop at that reindex phase so a test can SIGKILL us there."""
    import sys
    import time

    wanted = os.environ.get("REPORTSEARCH_TEST_PAUSE", "")

    def checkpoint(phase: str) -> None:
        if phase == wanted:
            sys.stderr.write(f"PAUSED {phase} pid={os.getpid()}\n")
            sys.stderr.flush()
            time.sleep(600)

    return checkpoint


@cli.command()
@corpus_option
@index_option
@click.option("--procs", type=click.IntRange(min=1), default=None,
              help="Indexing processes [default: number of CPUs].")
def reindex(corpus_dir: Path | None, index_dir: Path | None, procs: int | None) -> None:
    """Rebuild the index from the corpus; the old index serves until the new one is verified.

    Exit 0 when every file was indexed, 1 when some were skipped (listed), 2 when nothing could be
    indexed (unreadable corpus, another reindex running, a failed build).
    """
    from indexer.build import BuildError, build_index
    from indexer.corpus import CorpusError
    from indexer.store import ReindexRunning

    corpus_dir = corpus_dir or default_corpus_dir()
    index_dir = index_dir or default_index_dir()
    checkpoint = _test_pause_hook() if os.environ.get("REPORTSEARCH_TEST_PAUSE") else None
    try:
        kwargs = {"procs": procs} if checkpoint is None else {"procs": procs, "checkpoint": checkpoint}
        summary = build_index(corpus_dir, index_dir, **kwargs)
    except (CorpusError, ReindexRunning, BuildError, OSError) as exc:
        error = click.ClickException(f"reindex failed, the previous index (if any) still serves: {exc}")
        error.exit_code = 2
        raise error from exc
    click.echo(
        f"indexed {summary.reports} reports, {summary.paragraphs} paragraphs in {summary.seconds:.1f} s "
        f"(build {summary.build_id}, index {index_dir})"
    )
    for name in summary.report_files:
        click.echo(f"  {name}")
    if summary.warnings:
        click.echo(f"warnings ({len(summary.warnings)}):")
        for warning in summary.warnings:
            click.echo(f"  - {warning}")
    if summary.skipped:
        click.echo(f"skipped ({len(summary.skipped)}):")
        for skipped in summary.skipped:
            click.echo(f"  - {skipped.file}: {skipped.reason}")
        raise SystemExit(1)


@cli.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="Output format.")
def export(index_dir: Path | None, fmt: str) -> None:
    """Write every indexed paragraph in report order to stdout (JSONL UTF-8, or CSV with a header)."""
    import sys

    from indexer.export import iter_paragraphs, write_csv, write_jsonl
    from indexer.store import IndexMissing, IndexStale, Store

    index_dir = index_dir or default_index_dir()
    out = sys.stdout
    if (out.encoding or "").lower().replace("-", "") != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")  # export is UTF-8 whatever the locale says
    try:
        store = Store(index_dir)
        store.current()
        writer = write_jsonl if fmt == "jsonl" else write_csv
        writer(iter_paragraphs(store), out)
        out.flush()
    except (IndexMissing, IndexStale) as exc:
        raise click.ClickException(str(exc)) from exc
    except BrokenPipeError:  # `reportsearch export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
