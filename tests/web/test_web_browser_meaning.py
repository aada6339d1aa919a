"""Issue 11 in headless Chromium: the synonym notice, the 只搜原词 opt-out link, the partial-match label."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.search.engine import search

pytestmark = pytest.mark.browser


def total_on(page) -> int:
    return int(page.locator("[data-total]").inner_text())


def test_synonym_notice_and_the_opt_out_link(page, store, synonyms, artifacts: Path):
    page.goto("/")
    page.locator("#q").fill("电诈")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expected = search(store, "电诈", synonyms=synonyms)
    notice = page.locator("p.notice", has_text="同时检索")
    assert notice.is_visible()
    assert notice.inner_text().startswith(expected["notice"])
    assert total_on(page) == expected["total"] > 0
    marks = page.locator(".snippet mark").all_inner_texts()
    assert marks and all(m in synonyms.of("电诈") for m in marks)  # the synonyms that matched are marked
    page.screenshot(path=str(artifacts / "search-synonyms.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="只搜原词").click()
    assert "expand=0" in page.url
    assert total_on(page) == 0
    assert page.locator("p.notice", has_text="同时检索：").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="同时检索同义词").click()
    assert "expand=0" not in page.url and total_on(page) == expected["total"]
    assert page.js_errors == []


def test_partial_matches_carry_a_visible_label(page, store, synonyms, artifacts: Path):
    q = "认罪认罚 从宽 制度"
    expected = search(store, q, synonyms=synonyms, expand=False)
    page.goto("/search?" + urlencode({"q": q, "expand": "0"}))
    labels = page.locator(".hit.partial .partial-label")
    assert labels.count() == expected["partial_matches"] > 0
    assert labels.first.is_visible()
    assert labels.first.inner_text() == "部分匹配 · 缺少：" + "、".join(expected["hits"][0]["missing"])
    # the struck-through words are real text for screen readers too, not a picture
    assert labels.first.locator("s").all_inner_texts() == expected["hits"][0]["missing"]
    page.screenshot(path=str(artifacts / "search-partial.png"), full_page=True)
    assert page.js_errors == []
