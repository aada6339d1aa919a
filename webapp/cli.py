"""Entry point of the `reportsearch` console script: the indexer's commands plus `serve`, added explicitly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from indexer.cli import make_cli
from indexer.cli.options import corpus_option, index_option, indexed_corpus
from indexer.config import default_corpus_dir, default_index_dir
from indexer.limits import MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEADER_BYTES

if TYPE_CHECKING:
    import socket

    from flask import Flask

    from webapp.server import Recycling

# When a worker is replaced (docs/reliability.md "Serving"): rarely enough that its warm caches pay off, often enough
# that a slow leak never matters; the heap bound is twice a worker's heap at a million paragraphs.
DEFAULT_MAX_REQUESTS = 10_000
DEFAULT_MAX_WORKER_MEMORY_MIB = 2048


def ensure_index(index_dir: Path, corpus_dir: Path) -> bool:
    """Build the index from corpus_dir when index_dir has none (or a stale one); True when it built."""
    from indexer.config import default_format_options
    from indexer.index.build import build_index
    from indexer.index.store import IndexMissing, IndexStale, Store

    try:
        Store(index_dir).current()
        return False
    except IndexMissing:
        click.echo(f"No index at {index_dir} yet: building it from {corpus_dir} …")
    except IndexStale as exc:
        click.echo(f"The index must be rebuilt ({exc}): building it from {corpus_dir} …")
    summary = build_index(corpus_dir, index_dir, formats=default_format_options())  # as reindex reads the files
    click.echo(f"Indexed {summary.reports} reports, {summary.paragraphs} paragraphs in {summary.seconds:.1f}s.")
    for warning in summary.warnings:
        click.echo(f"warning: {warning}")
    for skipped in summary.skipped:
        click.echo(f"skipped {skipped.file}: {skipped.reason}")
    return True


def warn_if_other_corpus(index_dir: Path, corpus_dir: Path) -> str:
    """The corpus the index holds; a warning on stderr when it is not corpus_dir (an index named by --index/env).

    The default index is one per corpus and never differs; an index given explicitly is served as it is,
    never rebuilt over, but not silently either.
    """
    from indexer.index.store import Store

    held = indexed_corpus(Store(index_dir).current())
    if held != str(Path(corpus_dir).resolve()):
        click.echo(f"warning: the index at {index_dir} holds the corpus {held}, not {corpus_dir}: serving it as it is; "
                   f"run `reportsearch reindex --corpus {corpus_dir} --index {index_dir}` to serve {corpus_dir}",
                   err=True)
    return held


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes sharing the port [default: one per CPU, at most 4].")
@click.option("--max-requests", type=click.IntRange(min=0), default=DEFAULT_MAX_REQUESTS, show_default=True,
              help="Replace a worker after this many requests, plus up to 10 % (0: never).")
@click.option("--max-worker-memory", type=click.IntRange(min=0), default=DEFAULT_MAX_WORKER_MEMORY_MIB,
              show_default=True, help="Replace a worker whose heap (MiB, RssAnon) grows past this (0: never).")
@index_option
@corpus_option
def serve(host: str, port: int, workers: int | None, max_requests: int, max_worker_memory: int,
          index_dir: Path | None, corpus_dir: Path | None) -> None:
    """Serve the web app with waitress; builds the index from the corpus first if there is none."""
    from indexer.index.build import BuildError
    from indexer.index.store import ReindexRunning
    from indexer.search.language.synonyms import SynonymsError
    from webapp import create_app
    from webapp.prefork import default_workers, listening_sockets
    from webapp.server import Recycling, waitress_settings

    corpus_dir = corpus_dir or default_corpus_dir()
    index_dir = index_dir or default_index_dir(corpus_dir)
    try:
        ensure_index(index_dir, corpus_dir)
    except ReindexRunning as exc:
        raise click.ClickException(f"{exc}: wait for it to finish, then run `reportsearch serve` again") from exc
    except (BuildError, OSError) as exc:
        raise click.ClickException(f"could not build the index at {index_dir}: {exc}") from exc
    except Exception as exc:  # e.g. CorpusError / CatalogError: the message says which file and how to fix
        raise click.ClickException(f"could not build the index from {corpus_dir}: {exc}") from exc
    held = warn_if_other_corpus(index_dir, corpus_dir)
    try:
        app = create_app({"INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir})
    except SynonymsError as exc:
        raise click.ClickException(f"{exc}: fix that line (or point REPORTSEARCH_SYNONYMS elsewhere), then serve again") from exc
    settings = waitress_settings(MAX_REQUEST_HEADER_BYTES, MAX_REQUEST_BODY_BYTES)
    try:
        socks = listening_sockets(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}; choose another --host or --port") from exc
    serving = f"http://{host}:{socks[0].getsockname()[1]}/ (index {index_dir}, corpus {held}"
    try:
        if hasattr(os, "fork"):
            serve_forked(app, socks, workers or default_workers(), settings, Recycling(max_requests, max_worker_memory),
                         serving)
        else:  # no fork (Windows): one process, nothing to replace a worker with
            serve_single(app, socks, settings, serving)
    finally:
        for sock in socks:
            sock.close()


def serve_single(app: Flask, socks: list[socket.socket], settings: dict, serving: str) -> None:
    """Serve app from this process until Ctrl-C."""
    from webapp.server import Lifecycle, Recycling, log_stderr, make_server

    server = make_server(app, socks, settings, Lifecycle(Recycling(), log_stderr))
    click.echo(f"Serving reportsearch on {serving}); Ctrl-C stops.")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()


def serve_forked(app: Flask, socks: list[socket.socket], workers: int, settings: dict, recycling: Recycling,
                 serving: str) -> None:
    """Serve app from `workers` forked processes sharing the listening sockets, each replaced when it dies or
    retires (recycling), until SIGTERM or Ctrl-C."""
    from webapp.prefork import Supervisor
    from webapp.server import Lifecycle, make_server

    def serve_one() -> None:
        pid = os.getpid()
        life = Lifecycle(recycling, lambda message: click.echo(f"reportsearch worker {pid}: {message}", err=True))
        server = make_server(app, socks, settings, life)
        try:
            server.run()
        finally:
            server.close()

    warm_before_fork(app.config["INDEX_DIR"])
    click.echo(f"Serving reportsearch on {serving}; {workers} worker process{'es' if workers > 1 else ''}); "
               "Ctrl-C stops.")
    code = Supervisor(serve_one, workers, log=lambda message: click.echo(message, err=True)).run()
    if code:
        raise click.ClickException("the server stopped because its workers could not run (see the messages above)")
    click.echo("Stopped.")


def warm_before_fork(index_dir: Path) -> None:
    """Make once, here, what each worker would otherwise make for itself on its first queries (the build's word
    cut, the converters: indexer/search/evaluation/context.py warm_process), so the workers share those pages —
    also a worker started later to replace one (their build's are the same until a reindex changes the dictionary)."""
    from indexer.index.store import Store
    from indexer.search.evaluation.context import warm_process

    store = Store(index_dir)
    try:
        build = store.current()
        with build.hold():
            warm_process(build)
    finally:
        store.close()


cli = make_cli(serve)  # registered explicitly: importing this module changes no other module's group


def main() -> None:
    """Run the `reportsearch` command line."""
    cli()
