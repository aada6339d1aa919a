"""Defaults and environment: the only place the library reads configuration (the CLI and create_app call it).

Everything below `indexer` takes paths and settings as arguments; only the edges ask this module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.ingest.formats import FormatOptions

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


def default_doc_converter() -> str | None:
    """$REPORTSEARCH_DOC_CONVERTER (a path, or "" for none), else LibreOffice (soffice) or antiword on PATH."""
    import shutil

    env = os.environ.get("REPORTSEARCH_DOC_CONVERTER")
    if env is not None:
        return env or None
    return shutil.which("soffice") or shutil.which("libreoffice") or shutil.which("antiword")


def default_format_options() -> FormatOptions:
    """The document parsers' default limits, with the .doc converter found by default_doc_converter()."""
    from indexer.ingest.formats import FormatOptions

    return FormatOptions(doc_converter=default_doc_converter())
