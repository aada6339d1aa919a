"""Defaults and environment: the only place the library reads configuration (the CLI and create_app call it).

Everything below `indexer` takes paths and settings as arguments; only the edges ask this module.

Defaults work the same from a checkout and from an installed wheel: the bundled corpus ships inside the
package (indexer/corpus, in a checkout a link to the top-level corpus/), and the default index is one
folder per corpus, so two checkouts (or a checkout and a wheel) never serve each other's reports.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.ingest.formats import FormatOptions

BUNDLED_CORPUS = Path(__file__).parent / "corpus"


def bundled_corpus_dir() -> Path:
    """The sample corpus shipped with the package (in a checkout: the top-level corpus/ itself)."""
    return BUNDLED_CORPUS.resolve()


def default_corpus_dir() -> Path:
    """$REPORTSEARCH_CORPUS, else the bundled corpus."""
    env = os.environ.get("REPORTSEARCH_CORPUS")
    return Path(env) if env else bundled_corpus_dir()


def corpus_key(corpus_dir: Path) -> str:
    """A short, stable name for a corpus folder: its name plus a hash of its absolute path."""
    resolved = Path(corpus_dir).resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{resolved.name}-{digest}"


def default_index_dir(corpus_dir: Path | None = None) -> Path:
    """$REPORTSEARCH_INDEX, else $XDG_DATA_HOME/reportsearch/index-<corpus key>: one index per corpus.

    corpus_dir defaults to default_corpus_dir(), so `search` finds the index `reindex` built from the same corpus.
    """
    env = os.environ.get("REPORTSEARCH_INDEX")
    if env:
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    corpus = default_corpus_dir() if corpus_dir is None else corpus_dir
    return Path(data_home) / "reportsearch" / f"index-{corpus_key(corpus)}"


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


COLLOQUIAL_FILE = "colloquial.txt"  # the colloquial → official map
CONCEPTS_FILE = "concepts.txt"  # the concept thesaurus
VOCABULARY_FILES = (COLLOQUIAL_FILE, CONCEPTS_FILE, "official.words", "thuocl_law.words")  # indexer/vocab/, in merge order


def default_vocabulary_paths() -> tuple[Path, ...]:
    """The bundled vocabulary merged after the synonyms file (indexer/vocab/, docs/meaning.md); none when
    $REPORTSEARCH_VOCABULARY is "off", else the files it names (separated by the OS path separator)."""
    env = os.environ.get("REPORTSEARCH_VOCABULARY")
    if env == "off":
        return ()
    if env:
        return tuple(Path(p) for p in env.split(os.pathsep) if p)
    vocab = Path(__file__).resolve().parent / "vocab"
    return tuple(vocab / name for name in VOCABULARY_FILES)


def default_synonyms_path() -> Path:
    """$REPORTSEARCH_SYNONYMS, else the bundled indexer/synonyms.txt (query-time synonyms, re-read on change)."""
    env = os.environ.get("REPORTSEARCH_SYNONYMS")
    return Path(env) if env else Path(__file__).resolve().parent / "synonyms.txt"
