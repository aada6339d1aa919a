"""The real page in headless Chromium (Debian's /usr/bin/chromium via Playwright) against a live waitress server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.search.engine import search

pytestmark = pytest.mark.browser

TARGET_BG = "rgb(255, 246, 213)"  # --target in style.css: the highlighted paragraph


def total_on(page) -> int:
    return int(page.locator("[data-total]").inner_text())


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_type_a_query_and_see_marked_snippets(page, store, synonyms, artifacts: Path):
    page.goto("/")
    assert page.evaluate("document.activeElement.id") == "q"  # autofocus
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    page.keyboard.type("诉源治理")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/search\?q=%E8%AF%89%E6%BA%90%E6%B2%BB%E7%90%86$", page.url)
    expected = search(store, "诉源治理", synonyms=synonyms)
    assert total_on(page) == expected["total"] > 0
    marks = page.locator(".snippet mark")
    assert marks.count() >= len(expected["hits"])
    marked_terms = ["诉源治理", *expected["expanded"].get("诉源治理", [])]  # the word and its synonyms
    assert all(any(t in m or m in t for m in marked_terms) for t in marks.all_inner_texts())
    assert page.locator(".year-chart rect").count() == len(expected["facets"]["year"])
    page.screenshot(path=str(artifacts / "search.png"), full_page=True)
    assert page.js_errors == []


def test_click_an_institution_facet_and_see_the_filtered_count(page, store, artifacts: Path):
    page.goto("/search?q=案件")
    expected = search(store, "案件")
    institution, count = min(expected["facets"]["institution"].items(), key=lambda kv: kv[1])
    assert count < expected["total"]
    box = page.locator(f'input[name="institution"][value="{institution}"]')
    label = page.locator(f'label[for="{box.get_attribute("id")}"]')
    assert label.locator(".count").inner_text() == str(count)
    with page.expect_navigation():
        label.click()
    assert total_on(page) == count
    assert page.locator(f'input[name="institution"][value="{institution}"]').is_checked()
    chip = page.locator("a.chip")
    assert chip.count() == 1 and institution in chip.inner_text()
    page.screenshot(path=str(artifacts / "search-filtered.png"), full_page=True)
    with page.expect_navigation():
        chip.click()  # removing the chip brings every hit back
    assert total_on(page) == expected["total"]
    assert page.js_errors == []


def test_facets_work_from_the_keyboard(page, store):
    page.goto("/search?q=案件")
    expected = search(store, "案件")
    year = sorted(expected["facets"]["year"])[0]
    page.locator(f'input[name="year"][value="{year}"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert total_on(page) == search(store, "案件", years=[year])["total"]
    assert "year=" + year in page.url


def test_follow_a_hit_to_the_highlighted_paragraph(page, store, artifacts: Path):
    expected = search(store, "共享法庭")
    hit = expected["hits"][-1]  # the last hit: its paragraph is further down the report
    page.goto("/search?" + urlencode({"q": "共享法庭"}))
    with page.expect_navigation():
        page.locator(f'a[href$="#p{hit["position"]}"][href^="/report/{hit["report"]}"]').first.click()
    assert page.url.endswith(f"/report/{hit['report']}?q=%E5%85%B1%E4%BA%AB%E6%B3%95%E5%BA%AD#p{hit['position']}")
    target = page.locator(f"#p{hit['position']}")
    page.wait_for_function(f"document.querySelector('#p{hit['position']}').matches(':target')")
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BG
    assert target.locator("mark").count() >= 1
    box = target.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], "target paragraph scrolled into view"
    page.screenshot(path=str(artifacts / "report.png"))
    # the other paragraphs are not highlighted
    other = page.locator(".para:not(:target)").first
    assert other.evaluate("el => getComputedStyle(el).backgroundColor") != TARGET_BG
    assert page.js_errors == []


def test_next_hit_link_moves_the_highlight(page, store):
    from indexer.search.engine import get_report, overview

    for report in overview(store)["reports_list"]:
        hits = get_report(store, report["id"], q="执行")["hits"]
        if len(hits) >= 2:
            break
    page.goto(f"/report/{report['id']}?q=执行#p{hits[0]}")
    page.locator(f"#p{hits[0]} a[rel=next]").click()
    page.wait_for_function(f"location.hash === '#p{hits[1]}'")
    assert page.locator(f"#p{hits[1]}").evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BG


def test_slash_focuses_the_search_box(page):
    page.goto("/report/pinghu-court-2023")
    assert page.evaluate("document.activeElement.id") != "q"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("执行/")  # once in the box, "/" is an ordinary character
    assert page.locator("#q").input_value() == "执行/"


def test_phone_sized_screen_has_no_horizontal_scroll(browser, live_server, artifacts: Path):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN",
    )
    page = context.new_page()
    try:
        for url, shot in (("/", "phone-home.png"), ("/search?q=案件", "phone-search.png"),
                          ("/report/pinghu-court-procuratorate-2017-2021?q=执行#p5", "phone-report.png")):
            page.goto(url)
            page.wait_for_load_state("load")
            assert no_horizontal_scroll(page), url
            page.screenshot(path=str(artifacts / shot), full_page=shot != "phone-report.png")
        page.goto("/search?q=案件")
        filters = page.locator("details.filters")
        assert filters.get_attribute("open") is None  # folded on a phone so results come first
        page.locator("details.filters summary").click()
        assert page.locator('input[name="institution"]').first.is_visible()
    finally:
        context.close()


def test_no_console_errors_or_csp_violations_across_pages(page):
    for url in ("/", "/search?q=案件&page=2", "/report/pinghu-court-2023?q=执行", "/search?institution=平湖市人民法院"):
        page.goto(url)
    assert page.js_errors == []
