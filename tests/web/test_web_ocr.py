"""A scanned report's page says it was read by OCR and links the original (real Chromium, real server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.store import serving_meta
from tests.helpers.web import serving
from webapp import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTICE = "由扫描件识别（OCR），可能有个别错字"


def test_a_scanned_report_says_so_and_links_the_original_a_typed_one_does_not(browser, scanned_index, seed_index,
                                                                               repo_corpus, artifacts: Path):
    corpus, index, _ = scanned_index
    ids = {r["file"]: r["id"] for r in serving_meta(index)["reports"]}
    app = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus})
    with serving(app) as base:
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(f"/report/{ids['scan.pdf']}")
        notice = page.locator(".ocr-notice")
        assert NOTICE in notice.inner_text()
        assert "3 页" in notice.inner_text() and "rapidocr" in notice.inner_text()
        link = notice.locator("a.ocr-original")
        assert link.get_attribute("href") == f"/report/{ids['scan.pdf']}/source"
        page.screenshot(path=str(artifacts / "ocr-report.png"), full_page=False)
        original = page.request.get(link.get_attribute("href") or "")
        assert original.ok and original.body() == (corpus / "scan.pdf").read_bytes()
        page.goto(f"/report/{ids['page.png']}")
        assert NOTICE in page.locator(".ocr-notice").inner_text()
        image = page.request.get(f"/report/{ids['page.png']}/source")
        assert image.headers["content-type"] == "image/png"
        context.close()
    typed = create_app({"TESTING": True, "INDEX_DIR": seed_index, "CORPUS_DIR": repo_corpus})
    with serving(typed) as base:
        context = browser.new_context(base_url=base, locale="zh-CN")
        page = context.new_page()
        first = serving_meta(seed_index)["reports"][0]["id"]
        page.goto(f"/report/{first}")
        assert page.locator("h1").count() == 1 and page.locator(".ocr-notice").count() == 0
        context.close()
