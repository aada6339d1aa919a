"""The thin command line over the library: `reportsearch reindex | add | remove | search | export | trend | figures`.

options (the shared options, read at the edge) · errors (search's and trend's one error and exit rule) ·
indexing (reindex, add, remove) · search · export · trend (+ trend_tables) · figures · progress (the progress line).
webapp.cli adds `serve`, where Flask may be imported.

Config (environment variables, default paths) is read here, at the edge, and passed down as arguments.
"""

from __future__ import annotations

import click

from indexer.cli import export, figures, indexing, search, trend


def make_cli(*extra: click.Command) -> click.Group:
    """The `reportsearch` group: reindex, add, remove, search, export, trend and figures, plus `extra` (the console script adds serve)."""
    group = click.Group(
        "cli",
        help="reportsearch: full-text search over Chinese court and procuratorate work reports.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    click.version_option(package_name="reportsearch")(group)
    for command in (indexing.reindex, indexing.add, indexing.remove, search.search, export.export, trend.trend, figures.figures,
                    *extra):
        group.add_command(command)
    return group


cli = make_cli()  # the library's commands alone; webapp.cli builds the full `reportsearch` command
