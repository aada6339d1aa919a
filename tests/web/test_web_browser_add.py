"""A report added with `reportsearch add` is found from the search box of a running server (real Chromium)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT
from tests.helpers.web import serving
from webapp import create_app

pytestmark = pytest.mark.browser


def reportsearch(*args: str | Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", "from webapp.cli import main; main()", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=REPO_ROOT)


@pytest.mark.slow  # over 5 s: an add while serving, in Chromium
def test_a_report_added_while_serving_is_found_from_the_search_box(browser, tmp_path: Path, repo_corpus: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(repo_corpus, corpus)
    assert reportsearch("reindex", "--corpus", corpus, "--index", index).returncode == 0
    app = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus})
    download = tmp_path / "downloads" / "tongxiang-court-2024.txt"
    download.parent.mkdir()
    text = (repo_corpus / "pinghu-court-2023.txt").read_text(encoding="utf-8")
    download.write_text(text.replace("平湖市", "桐乡市").replace("2023", "2024"), encoding="utf-8")
    with serving(app) as base:
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto("/search?q=" + "桐乡市")
        assert int(page.locator("[data-total]").inner_text()) == 0
        added = reportsearch("add", download, "--corpus", corpus, "--index", index)  # while the server runs
        assert added.returncode == 0, added.stdout + added.stderr
        assert "incremental: 1 added" in added.stdout
        page.goto("/")
        page.locator("#q").fill("桐乡市人民法院")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert int(page.locator("[data-total]").inner_text()) > 0
        first = page.locator(".hit a").first
        assert "tongxiang-court-2024" in (first.get_attribute("href") or "")
        with page.expect_navigation():
            first.click()
        link = page.locator("a.source-link")
        assert link.get_attribute("href") == "/report/tongxiang-court-2024/source"
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / "saved.txt"
        info.value.save_as(saved)
        assert saved.read_bytes() == download.read_bytes()
        context.close()
