"""`reportsearch reindex | add | remove`: the commands that change the corpus or the index.

Exit codes: 0 done, 1 done but some files were skipped or refused (listed), 2 nothing was changed
(bad arguments, unreadable corpus, another reindex running, a failed build).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from indexer.cli.options import corpus_and_index, corpus_option, index_option, procs_option, quiet_option
from indexer.config import default_format_options

if TYPE_CHECKING:
    from indexer.cli.progress import Progress
    from indexer.index.update import Hooks, UpdateSummary

T = TypeVar("T")


class _ReindexFailed(click.ClickException):
    """Nothing could be indexed or changed: exit 2 (1 is "done, but some files were skipped")."""

    exit_code = 2


def _failed(what: str, exc: Exception) -> _ReindexFailed:
    return _ReindexFailed(f"{what} failed, the previous index (if any) still serves: {exc}")


def _progress(quiet: bool) -> Progress | None:
    """A progress line on stderr when it is a terminal and --quiet was not given (it learns the number of files
    from the run, once the corpus is read under the locks)."""
    if quiet or not sys.stderr.isatty():
        return None
    from indexer.cli.progress import Progress

    return Progress(sys.stderr)


def _run(progress: Progress | None, work: Callable[[Hooks], T]) -> T:
    """work(hooks), with the progress line drawn meanwhile when there is one."""
    from indexer.compiled import stale_modules
    from indexer.index.update import Hooks

    if stale := stale_modules():  # an in-place build's .so runs the code from before the last edit of its .py
        click.echo(f"warning: {', '.join(stale)} changed after the install compiled it; figures come from the code "
                   "before that edit until `pip install -e .` is run again", err=True)
    if progress is None:
        return work(Hooks())
    with progress:
        return work(progress.hooks())


def _echo_update(update: UpdateSummary, index_dir: Path, corpus_dir: Path) -> bool:
    """Print what an index update did; True when files were skipped."""
    summary = update.build
    how = f"full build: {update.reason}" if update.mode == "full" else (
        f"incremental: {len(update.added)} added, {len(update.changed)} changed, {len(update.removed)} removed")
    click.echo(
        f"indexed {summary.reports} reports, {summary.paragraphs} paragraphs in {summary.seconds:.1f} s "
        f"(build {summary.build_id}, index {index_dir}, corpus {Path(corpus_dir).resolve()}); {how}"
    )
    for name in summary.report_files:
        click.echo(f"  {name}")
    if summary.ocr:
        click.echo(f"read by OCR (scanned, {len(summary.ocr)}; search finds only the words OCR read right):")
        for name, ocr in summary.ocr.items():
            click.echo(f"  - {name}: {ocr.describe()}")
    if summary.detected:
        click.echo(f"detected (no catalog entry, {len(summary.detected)}):")
        for name, found in summary.detected.items():
            click.echo(f"  - {name}: {found.describe()}")
    if summary.warnings:
        click.echo(f"warnings ({len(summary.warnings)}):")
        for warning in summary.warnings:
            click.echo(f"  - {warning}")
    if summary.skipped:
        click.echo(f"skipped ({len(summary.skipped)}):")
        for skipped in summary.skipped:
            click.echo(f"  - {skipped.file}: {skipped.reason}")
    return bool(summary.skipped)


@click.command()
@corpus_option
@index_option
@procs_option
@click.option("--full", is_flag=True, help="Re-parse and rebuild everything instead of only what changed.")
@click.option("--semantic", is_flag=True,
              help="Also embed every paragraph for semantic retrieval (needs the semantic extra; slow: see docs/meaning.md).")
@quiet_option
def reindex(corpus_dir: Path | None, index_dir: Path | None, procs: int | None, full: bool, semantic: bool,
            quiet: bool) -> None:
    """Bring the index up to date with the corpus; the old index serves until the new one is verified.

    Only files (or catalog entries) that changed since the serving build are parsed again; a change of
    the user dictionary or the themes, or --full, rebuilds everything. Exit 0 when every file was
    indexed, 1 when some were skipped (listed), 2 when nothing could be indexed. --semantic then embeds
    the new build's paragraphs (reusing the vectors of unchanged ones) so searches can use them.
    """
    from indexer.index.build import BuildError
    from indexer.index.store import ReindexRunning
    from indexer.index.update import update_index
    from indexer.ingest.corpus import CorpusError

    corpus, index = corpus_and_index(corpus_dir, index_dir)
    formats = default_format_options()
    try:
        update = _run(_progress(quiet),
                      lambda hooks: update_index(corpus, index, full=full, procs=procs, hooks=hooks, formats=formats))
    except (CorpusError, ReindexRunning, BuildError, OSError) as exc:
        raise _failed("reindex", exc) from exc
    skipped = _echo_update(update, index, corpus)
    if semantic:
        _embed(index, quiet)
    if skipped:
        click.get_current_context().exit(1)


def _embed(index_dir: Path, quiet: bool) -> None:
    """Embed the serving build's paragraphs (indexer/index/semantic.py) and say what it cost."""
    import time

    from indexer.export import iter_paragraphs
    from indexer.index.semantic import SemanticUnavailable, embed_paragraphs, latest_vectors, load_embedder, write_vectors
    from indexer.index.store import Store

    try:
        embedder = load_embedder()
    except SemanticUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    store = Store(index_dir)
    opened = store.current()
    start = time.perf_counter()

    def progress(done: int, todo: int) -> None:
        if not quiet:
            click.echo(f"\rsemantic: {done}/{todo} paragraphs embedded", nl=False, err=True)

    with opened.hold():
        ids, hashes, vectors, new = embed_paragraphs(iter_paragraphs(opened), embedder, latest_vectors(index_dir), progress)
        path = write_vectors(index_dir, opened.build_id, ids, hashes, vectors)
    if not quiet and new:
        click.echo("", err=True)
    click.echo(f"semantic: {new} paragraphs embedded, {len(ids) - new} reused, in {time.perf_counter() - start:.1f} s "
               f"({path}, {path.stat().st_size} bytes)")
    store.close()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option("--title", default=None, help="Title of the report (one file only) [default: detected].")
@click.option("--institution", default=None, help="Full official name, e.g. 平湖市人民法院 [default: detected].")
@click.option("--year", default=None, help="Year reviewed, Y or Y1-Y2 [default: detected].")
@click.option("--date", default=None, help="Date delivered, YYYY-MM-DD.")
@click.option("--source", default=None, help="Where the report comes from (a URL or a publication).")
@click.option("--dry-run", is_flag=True, help="Print what would be added and detected; change nothing.")
@corpus_option
@index_option
@procs_option
@quiet_option
def add(paths: tuple[Path, ...], title: str | None, institution: str | None, year: str | None, date: str | None,
        source: str | None, dry_run: bool, corpus_dir: Path | None, index_dir: Path | None, procs: int | None,
        quiet: bool) -> None:
    """Copy report files (or every report file under a folder) into the corpus, catalog and index them.

    A file whose content is already in the corpus is refused. Metadata not given is detected from the
    text; the catalog entry written is printed. The new reports are searchable when this returns,
    without a full rebuild.
    """
    from indexer.collection import AddError, Metadata, add_reports
    from indexer.index.build import BuildError
    from indexer.index.store import ReindexRunning
    from indexer.ingest.catalog import CatalogError
    from indexer.ingest.corpus import CorpusError

    corpus, index = corpus_and_index(corpus_dir, index_dir)
    meta = Metadata(title=title, institution=institution, year=year, date=date, source=source)
    formats = default_format_options()
    try:
        result = _run(None if dry_run else _progress(quiet),
                      lambda hooks: add_reports(list(paths), corpus, index, meta, dry_run=dry_run, procs=procs,
                                                hooks=hooks, formats=formats))
    except AddError as exc:
        raise click.UsageError(str(exc)) from exc
    except (CatalogError, CorpusError, ReindexRunning, BuildError, OSError) as exc:
        raise _failed("add", exc) from exc
    verb = "would add" if dry_run else "added"
    for plan in result.accepted:
        click.echo(f"{verb} {plan.source} → {corpus / plan.rel} (report {plan.report_id})"
                   + (" [completing an interrupted add]" if plan.recovering else ""))
        fields = ", ".join(f"{k} = {v!r}" for k, v in plan.entry.items() if v is not None and k != "file")
        click.echo(f"  catalog: {fields}")
        if plan.detected is not None:
            click.echo(f"  detected: {plan.detected.describe()}")
    for plan in result.refused:
        click.echo(f"refused {plan.source}: {plan.refused}")
    skipped = _echo_update(result.update, index, corpus) if result.update is not None else False
    if not result.accepted:
        click.get_current_context().exit(2 if not dry_run else 1)
    if result.refused or skipped:
        click.get_current_context().exit(1)


@click.command()
@click.argument("report_id")
@corpus_option
@index_option
@procs_option
@quiet_option
def remove(report_id: str, corpus_dir: Path | None, index_dir: Path | None, procs: int | None, quiet: bool) -> None:
    """Take a report out of the index and the catalog; its file is moved to <corpus>/.removed/ (kept, not indexed)."""
    from indexer.collection import AddError, remove_report
    from indexer.errors import NotFound
    from indexer.index.build import BuildError
    from indexer.index.store import ReindexRunning
    from indexer.ingest.catalog import CatalogError
    from indexer.ingest.corpus import CorpusError

    corpus, index = corpus_and_index(corpus_dir, index_dir)
    formats = default_format_options()
    try:
        result = _run(_progress(quiet),
                      lambda hooks: remove_report(report_id, corpus, index, procs=procs, hooks=hooks, formats=formats))
    except (NotFound, AddError) as exc:
        raise _ReindexFailed(str(exc)) from exc
    except (CatalogError, CorpusError, ReindexRunning, BuildError, OSError) as exc:
        raise _failed("remove", exc) from exc
    moved = f"file moved to {result.moved_to}" if result.moved_to else "file was already gone"
    click.echo(f"removed report {report_id} ({result.file}): {moved}; "
               f"catalog entry {'removed' if result.entry_removed else 'none'}")
    if _echo_update(result.update, index, corpus):
        click.get_current_context().exit(1)
