"""Entry point of the `reportsearch` console script: the indexer's commands plus `serve`, added explicitly."""

from __future__ import annotations

import os
from pathlib import Path

import click

from indexer.cli import corpus_option, index_option, indexed_corpus, make_cli
from indexer.config import default_corpus_dir, default_index_dir
from indexer.limits import MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEADER_BYTES
from webapp.prefork import Supervisor, default_workers, listening_sockets

# Waitress settings (documented in the README): bounded request size, a fixed worker pool.
SERVER_THREADS = 8
CONNECTION_LIMIT = 200
CHANNEL_TIMEOUT = 30  # seconds an idle connection may stay open


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
@index_option
@corpus_option
def serve(host: str, port: int, workers: int | None, index_dir: Path | None, corpus_dir: Path | None) -> None:
    """Serve the web app with waitress; builds the index from the corpus first if there is none."""
    import waitress

    from indexer.index.build import BuildError
    from indexer.index.store import ReindexRunning
    from indexer.search.language.synonyms import SynonymsError
    from webapp import create_app

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
    settings = dict(
        threads=SERVER_THREADS,
        max_request_header_size=MAX_REQUEST_HEADER_BYTES,
        max_request_body_size=MAX_REQUEST_BODY_BYTES,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT,
        expose_tracebacks=False,
        ident="reportsearch",
    )
    workers = workers or default_workers()
    if workers > 1 and hasattr(os, "fork"):
        serve_forked(app, host, port, workers, settings, f"index {index_dir}, corpus {held}")
        return
    server = waitress.create_server(app, host=host, port=port, **settings)
    click.echo(f"Serving reportsearch on http://{host}:{server.effective_port}/ (index {index_dir}, corpus {held}); "
               "Ctrl-C stops.")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()


def serve_forked(app: object, host: str, port: int, workers: int, settings: dict, serving: str) -> None:
    """Serve app from `workers` forked processes sharing one listening socket, until SIGTERM or Ctrl-C."""
    import waitress

    try:
        socks = listening_sockets(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}; choose another --host or --port") from exc

    def serve_one() -> None:
        server = waitress.create_server(app, sockets=socks, **settings)
        try:
            server.run()
        finally:
            server.close()

    click.echo(f"Serving reportsearch on http://{host}:{socks[0].getsockname()[1]}/ ({serving}; {workers} worker "
               "processes); Ctrl-C stops.")
    code = Supervisor(serve_one, workers, log=lambda message: click.echo(message, err=True)).run()
    for sock in socks:
        sock.close()
    if code:
        raise click.ClickException("the server stopped because its workers could not run (see the messages above)")
    click.echo("Stopped.")


cli = make_cli(serve)  # registered explicitly: importing this module changes no other module's group


def main() -> None:
    """Run the `reportsearch` command line."""
    cli()
