"""reportsearch's web app (Flask). Depends on indexer; indexer never imports this package."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from flask import Response

SECURITY_HEADERS = {
    # No inline script or style anywhere: our JS and CSS are files under /static.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Config INDEX_DIR / CORPUS_DIR / SYNONYMS_FILE / VOCABULARY_FILES come from test_config, else
    the defaults (config.py; a malformed synonyms file stops start-up with its line)."""
    from indexer.config import default_corpus_dir, default_index_dir, default_synonyms_path, default_vocabulary_paths
    from indexer.limits import MAX_REQUEST_BODY_BYTES
    from webapp import api, cite, errors, feed, figures, pages, render, source, state, trends

    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BODY_BYTES,
        JSON_SORT_KEYS=False,
        INIT_ANALYZER=True,
    )
    app.config.update(test_config or {})
    app.config.setdefault("CORPUS_DIR", default_corpus_dir())
    app.config.setdefault("INDEX_DIR", default_index_dir(Path(app.config["CORPUS_DIR"])))  # that corpus's index
    app.config.setdefault("SYNONYMS_FILE", default_synonyms_path())
    app.config.setdefault("VOCABULARY_FILES", default_vocabulary_paths())  # merged after it (indexer/vocab/)
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    app.config["CORPUS_DIR"] = Path(app.config["CORPUS_DIR"])
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable, like the CLI's --json
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the engine's key order exactly

    if app.config["INIT_ANALYZER"]:
        from indexer.analysis import prepare_queries

        prepare_queries()  # the folding table at start-up, not on the first request

    state.init_app(app)  # the store and the synonyms every request reads (webapp/state.py)

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(trends.bp)
    app.register_blueprint(figures.bp)
    app.register_blueprint(source.bp)
    app.register_blueprint(cite.bp)
    app.register_blueprint(feed.bp)
    errors.register(app)
    app.add_template_filter(render.only_marks, "only_marks")
    app.add_template_filter(render.years_label, "years_label")

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
