"""The app's shared state (like flaskr's db.py): the index store and the synonyms, set up by init_app and read
per request by get_store() / get_synonyms(). Blueprints import these from here, never from webapp/__init__."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, g

if TYPE_CHECKING:
    from indexer.index.store import OpenIndex, Store
    from indexer.search.language.synonyms import Synonyms

STORE = "reportsearch.store"
SYNONYMS = "reportsearch.synonyms"


def init_app(app: Flask) -> None:
    """One Store and one SynonymFile per app, from app.config INDEX_DIR, SYNONYMS_FILE and VOCABULARY_FILES.

    Store.current() is asked per request, so a reindex is picked up without a restart; the synonyms file is
    re-read when it changes, so an edit applies without one. A malformed synonyms file stops start-up here,
    with its line number (SynonymsError).
    """
    from indexer.index.store import Store
    from indexer.search.language.synonyms import SynonymFile

    app.extensions[STORE] = Store(app.config["INDEX_DIR"])
    synonyms = SynonymFile(Path(app.config["SYNONYMS_FILE"]), tuple(Path(p) for p in app.config.get("VOCABULARY_FILES", ())))
    synonyms.current()  # a malformed file is reported now, with its line number
    app.extensions[SYNONYMS] = synonyms


class RequestStore:
    """A Store pinned to one build: every engine call of a request sees the same index, even mid-reindex."""

    def __init__(self, open_index: OpenIndex) -> None:
        self._open = open_index

    def current(self) -> OpenIndex:
        """The build this request started with."""
        return self._open


def get_store() -> Store:
    """The index for the current request: Store.current() once per request, then pinned (see RequestStore)."""
    if "reportsearch_store" not in g:
        g.reportsearch_store = RequestStore(current_app.extensions[STORE].current())
    return g.reportsearch_store  # duck-typed Store: the engine only calls .current()


def get_synonyms() -> Synonyms:
    """The synonyms for the current request (the file as it is now; its last good version if now malformed)."""
    return current_app.extensions[SYNONYMS].current()
