"""Issue 20 in headless Chromium: related paragraphs carry a visible 相关 label after the full matches,
and 只搜原词 takes them away."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.search.engine import search

pytestmark = pytest.mark.browser


def test_related_paragraphs_carry_a_visible_label_and_go_with_the_opt_out(page, store, synonyms, artifacts: Path):
    q = "无纸化"
    expected = search(store, q, synonyms=synonyms, related=True)
    page.goto("/search?" + urlencode({"q": q}))
    labels = page.locator(".hit.related .related-label")
    assert labels.count() == expected["related_matches"] > 0
    assert labels.first.is_visible()
    first_related = next(h for h in expected["hits"] if h["related"])
    assert labels.first.inner_text() == "相关：" + "、".join(first_related["related"])
    classes = page.locator("ol.hits > li").evaluate_all("items => items.map(li => li.className)")
    assert classes[: expected["total"]] == ["hit"] * expected["total"]  # every full match comes first
    assert page.locator("p.related-note").is_visible()
    page.screenshot(path=str(artifacts / "search-related.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="只搜原词").first.click()
    assert "expand=0" in page.url and page.locator(".related-label").count() == 0
    assert page.js_errors == []
