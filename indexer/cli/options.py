"""Options and edge helpers the commands share: corpus and index folders, synonyms, UTF-8 output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from indexer.config import default_corpus_dir, default_index_dir

if TYPE_CHECKING:
    from indexer.index.store import OpenIndex
    from indexer.search.language.synonyms import Synonyms

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
procs_option = click.option("--procs", type=click.IntRange(min=1), default=None,
                            help="Writer processes [default: the number of CPUs from 2,000 paragraphs up, else 1].")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress line on stderr.")


def corpus_and_index(corpus_dir: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    """The corpus (default: config) and its index (default: the one kept for that corpus)."""
    corpus = corpus_dir or default_corpus_dir()
    return corpus, index_dir or default_index_dir(corpus)


def indexed_corpus(build: OpenIndex) -> str:
    """The corpus folder a build was made from, as recorded in its build meta."""
    return build.meta.get("corpus") or "unknown (built before builds recorded their corpus)"


def chosen_synonyms(no_expand: bool, synonyms_file: Path | None) -> Synonyms | None:
    """The synonyms a query expands with: none with --no-expand, else --synonyms or the configured file, merged
    with the vocabulary (indexer/vocab/: colloquial words, official terms; $REPORTSEARCH_VOCABULARY)."""
    from indexer.config import default_synonyms_path, default_vocabulary_paths
    from indexer.search.language.synonyms import load_synonyms

    return None if no_expand else load_synonyms(synonyms_file or default_synonyms_path(), *default_vocabulary_paths())


def utf8_stdout() -> TextIO:
    """sys.stdout, switched to UTF-8 whatever the locale says (export and tables are UTF-8)."""
    out = sys.stdout
    if (out.encoding or "").lower().replace("-", "") != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    return out
