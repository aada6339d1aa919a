"""The thin command line over the library: `reportsearch reindex | search | export` (serve lives in webapp.cli).

Config (environment variables, default paths) is read here, at the edge, and passed down as arguments.
Library exceptions become click.ClickException messages that say what to do next.
"""

from __future__ import annotations

import os
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
