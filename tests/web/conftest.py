"""Web fixtures, each built on the one before: a real index → app → client; a live waitress server → page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.web import serving
from webapp import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# A report whose text and title try stored XSS; the web app must show it as text.
HOSTILE_FILE = "hostile-report-2022.txt"
HOSTILE_TITLE = "恶意标记测试报告<script>alert('title')</script>（2022年）"
HOSTILE_TEXT = """# 恶意标记测试报告

## 一、审判工作<img src=x onerror=alert(2)>

本院审结案件一千件，其中<script>alert(1)</script>涉及诉源治理的案件三百件，推进“<b>共享法庭</b>”建设。

全年开展执行行动<iframe src="javascript:alert(3)"></iframe>十二次，执结案件八百件。

诉讼标的额 5<x>3 万元的案件占比提高，&lt;script&gt;alert(4)&lt;/script&gt; 与 "><svg onload=alert(5)> 均未生效。
"""


def _write_hostile_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    (dst / HOSTILE_FILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    with (dst / "catalog.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n[[report]]\n"
            f'file = "{HOSTILE_FILE}"\n'
            f"title = \"{HOSTILE_TITLE}\"\n"
            'institution = "测试<i>市</i>人民法院"\n'
            "year = 2022\n"
        )
    return dst


@pytest.fixture(scope="session")
def app(seed_index: Path, repo_corpus: Path):
    """The real app over the session's real index of the bundled corpus (tests/conftest.py)."""
    return create_app({"TESTING": True, "INDEX_DIR": seed_index, "CORPUS_DIR": repo_corpus})


@pytest.fixture()
def client(app):
    """Flask test client of the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def store(seed_index: Path):
    """The engine's Store over the same index, to compare the pages with the engine's own answers."""
    from indexer.index.store import Store

    return Store(seed_index)


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> Path:
    """An index of the corpus plus a report full of markup (<script>, <img onerror>, <iframe>)."""
    from indexer.index.build import build_index

    corpus = _write_hostile_corpus(repo_corpus, tmp_path_factory.mktemp("hostile") / "corpus")
    root = tmp_path_factory.mktemp("hostile-index")
    build_index(corpus, root)
    return root


@pytest.fixture(scope="session")
def hostile_app(hostile_index: Path):
    """The app over the hostile index."""
    return create_app({"TESTING": True, "INDEX_DIR": hostile_index, "CORPUS_DIR": hostile_index})


@pytest.fixture()
def hostile_client(hostile_app):
    """Test client of the hostile app."""
    return hostile_app.test_client()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app served by a real waitress server on 127.0.0.1:<free port>, in a background thread."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium "
            "(sudo apt-get install -y chromium); .ci/run installs it.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture()
def page(browser, live_server: str):
    """A fresh desktop-sized page; base_url is the live server, so page.goto("/search?q=…") works."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]  # asserted empty by tests (CSP violations show here)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/ (gitignored): screenshots the browser tests save."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def synonyms():
    """The bundled synonyms and vocabulary, as the app reads them: the engine's answer for a page is search(…, synonyms=…)."""
    from indexer.config import default_synonyms_path, default_vocabulary_paths
    from indexer.search.language.synonyms import load_synonyms

    return load_synonyms(default_synonyms_path(), *default_vocabulary_paths())


@pytest.fixture(scope="session")
def figure_index(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> Path:
    """An index of the corpus plus a court whose five-year review and annual report disagree on 2021 (figures)."""
    from indexer.index.build import build_index
    from tests.helpers.figure_corpus import write_figure_corpus

    corpus = write_figure_corpus(repo_corpus, tmp_path_factory.mktemp("figure-corpus") / "corpus")
    root = tmp_path_factory.mktemp("figure-index")
    build_index(corpus, root)
    return root


@pytest.fixture(scope="session")
def figure_app(figure_index: Path):
    """The app over the figure index."""
    return create_app({"TESTING": True, "INDEX_DIR": figure_index, "CORPUS_DIR": figure_index})


@pytest.fixture()
def figure_client(figure_app):
    """Test client of the figure app."""
    return figure_app.test_client()


@pytest.fixture(scope="session")
def figure_server(figure_app) -> Iterator[str]:
    """The figure app served by waitress, for the browser."""
    with serving(figure_app) as url:
        yield url
