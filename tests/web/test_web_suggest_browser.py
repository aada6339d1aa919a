"""The completion list of the search box in headless Chromium: keyboard, mouse, ARIA combobox, phone, CSP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.search.engine import search
from indexer.search.features.suggest import suggest

pytestmark = pytest.mark.browser


def open_list(page, text: str) -> list[dict]:
    """Type text into the box and wait for the list; returns what the engine suggests for it."""
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially(text)
    page.wait_for_selector("#q-suggest li[role=option]", state="visible")
    return page.suggest_expected(text)


@pytest.fixture()
def spage(page, store):
    """The page fixture, with the engine's expected suggestions at hand."""
    page.suggest_expected = lambda text: suggest(store, text)["suggestions"]  # type: ignore[attr-defined]
    return page


def test_typing_shows_the_list_with_counts_and_aria(spage, artifacts: Path):
    spage.goto("/")
    box = spage.locator("#q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-autocomplete") == "list"
    expected = open_list(spage, "诉")
    assert box.get_attribute("aria-expanded") == "true"
    listbox = spage.locator("#" + box.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox" and listbox.is_visible()
    options = listbox.locator("li[role=option]")
    assert options.count() == len(expected) > 0
    assert options.locator(".suggest-text").all_inner_texts() == [s["text"] for s in expected]
    assert options.locator(".suggest-count").all_inner_texts() == [f"{s['count']} 段" for s in expected]
    assert all(o.get_attribute("aria-selected") == "false" for o in options.all())
    assert box.get_attribute("aria-activedescendant") is None
    spage.screenshot(path=str(artifacts / "suggest.png"))
    assert spage.js_errors == []


def test_arrow_keys_and_enter_pick_a_suggestion(spage, store):
    spage.goto("/")
    expected = open_list(spage, "执行")
    assert len(expected) >= 2
    box = spage.locator("#q")
    box.press("ArrowDown")
    first = spage.locator("#q-suggest li[role=option]").nth(0)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    second = spage.locator("#q-suggest li[role=option]").nth(1)
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true" and first.get_attribute("aria-selected") == "false"
    box.press("ArrowUp")
    box.press("ArrowUp")  # wraps to the last option
    last = spage.locator("#q-suggest li[role=option]").nth(len(expected) - 1)
    assert box.get_attribute("aria-activedescendant") == last.get_attribute("id")
    box.press("ArrowDown")  # and back to the first
    box.press("ArrowDown")
    with spage.expect_navigation():
        box.press("Enter")
    assert spage.url.endswith("/search?" + urlencode({"q": expected[1]["query"]}))
    assert int(spage.locator("[data-total]").inner_text()) == search(store, expected[1]["query"])["total"] > 0
    assert spage.js_errors == []


def test_a_mouse_click_picks_a_suggestion(spage):
    spage.goto("/search?q=案件")
    expected = open_list(spage, "案件 扫黑")
    with spage.expect_navigation():
        spage.locator("#q-suggest li[role=option]").nth(len(expected) - 1).click()
    assert spage.url.endswith("/search?" + urlencode({"q": expected[-1]["query"]}))
    assert expected[-1]["query"].startswith("案件 扫黑")
    assert spage.js_errors == []


def test_escape_closes_the_list_and_keeps_the_text(spage):
    spage.goto("/")
    open_list(spage, "共享")
    box = spage.locator("#q")
    box.press("ArrowDown")
    box.press("Escape")
    assert spage.locator("#q-suggest").is_hidden()
    assert box.get_attribute("aria-expanded") == "false" and box.get_attribute("aria-activedescendant") is None
    assert box.input_value() == "共享"
    with spage.expect_navigation():  # Enter now submits what was typed
        box.press("Enter")
    assert spage.url.endswith("/search?" + urlencode({"q": "共享"}))


def test_no_list_for_text_without_completions(spage):
    spage.goto("/")
    spage.locator("#q").press_sequentially("year:20")
    spage.wait_for_timeout(600)  # well past the debounce and the answer
    assert spage.locator("#q-suggest").is_hidden()
    assert spage.locator("#q").get_attribute("aria-expanded") == "false"


def test_the_list_fits_a_phone(browser, live_server, store, artifacts: Path):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto("/search?q=案件")
        page.locator("#q").fill("")
        page.locator("#q").press_sequentially("法")
        listbox = page.locator("#q-suggest")
        listbox.wait_for(state="visible")
        box = listbox.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(artifacts / "phone-suggest.png"))
        expected = suggest(store, "法")["suggestions"]
        with page.expect_navigation():
            page.locator("#q-suggest li[role=option]").first.tap()
        assert page.url.endswith("/search?" + urlencode({"q": expected[0]["query"]}))
        assert errors == []
    finally:
        context.close()


def test_did_you_mean_link_runs_the_alternative(spage, store, synonyms):
    spage.goto("/search?" + urlencode({"q": "诉原治理"}))
    link = spage.locator("a[data-did-you-mean]").first
    assert link.inner_text() == "诉源治理"
    with spage.expect_navigation():
        link.click()
    # the page searches with the app's synonyms: the link lands on exactly that answer
    assert int(spage.locator("[data-total]").inner_text()) == search(store, "诉源治理", synonyms=synonyms)["total"] > 0
    assert spage.js_errors == []
