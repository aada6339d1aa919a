"""Defaults and environment: the only place the library reads configuration (the CLI and create_app call it).

Everything below `indexer` takes paths and settings as arguments; only the edges ask this module.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def default_synonyms_path() -> Path:
    """$REPORTSEARCH_SYNONYMS, else the bundled indexer/synonyms.txt (query-time synonyms, re-read on change)."""
    env = os.environ.get("REPORTSEARCH_SYNONYMS")
    return Path(env) if env else REPO_ROOT / "indexer" / "synonyms.txt"
