"""A scanned report's page says it was read by OCR and links the original (real Chromium, real server)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from indexer.index.store import serving_meta
from tests.helpers.web import serving
from webapp import create_app
from webapp.state import STORE

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTICE = "由扫描件识别（OCR），可能有个别错字"


def test_a_scanned_report_says_so_and_links_the_original(browser, scanned_index, artifacts: Path):
    corpus, index, _ = scanned_index
    ids = {r["file"]: r["id"] for r in serving_meta(index)["reports"]}
    app = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus})
    try:
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
    finally:
        # The app's index files are released now, not when a later collection finds the app: the browser tests
        # after this one serve with select(), which takes file descriptors below 1024 only.
        app.extensions[STORE].close()
        del app
        gc.collect()


def test_a_typed_report_has_no_ocr_notice(page, seed_index):
    first = serving_meta(seed_index)["reports"][0]["id"]
    page.goto(f"/report/{first}")
    assert page.locator("h1").count() == 1 and page.locator(".ocr-notice").count() == 0
