"""Issue 22 in headless Chromium: the sort control, the 同句 checkbox, copying a citation, the feed link, the
在结果中检索 chips and a permalink landing on its paragraph — with the page's CSP in force (no JS errors)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import feedparser
import pytest

from indexer.limits import FEED_ENTRIES
from indexer.search.engine import search

pytestmark = pytest.mark.browser

TARGET_BG = "rgb(255, 246, 213)"  # --target in style.css: the highlighted paragraph


def total_on(page) -> int:
    return int(page.locator("[data-total]").inner_text())


def shown(page) -> list[str]:
    """(report, position) of each hit in page order, from the title links."""
    return re.findall(r"/report/([^?#]+)\?[^#]*#p(\d+)",
                      " ".join(page.locator("h2.hit-title a").evaluate_all("els => els.map(e => e.getAttribute('href'))")))


def test_the_sort_control_reorders_and_keeps_the_total(page, store, synonyms) -> None:
    page.goto("/search?q=法院")
    total = total_on(page)
    assert page.locator('nav.sort a[aria-current="true"]').inner_text() == "相关度"
    with page.expect_navigation():
        page.locator('nav.sort a[data-sort="newest"]').click()
    assert "sort=newest" in page.url and total_on(page) == total
    assert page.locator('nav.sort a[aria-current="true"]').inner_text() == "最新"
    newest = search(store, "法院", sort="newest", synonyms=synonyms)["hits"]
    assert shown(page) == [(h["report"], str(h["position"])) for h in newest]
    with page.expect_navigation():
        page.locator('nav.sort a[data-sort="oldest"]').click()
    oldest = search(store, "法院", sort="oldest", synonyms=synonyms)["hits"]
    assert shown(page) == [(h["report"], str(h["position"])) for h in oldest] != shown_of(newest)
    assert page.js_errors == []


def shown_of(hits: list[dict]) -> list[tuple[str, str]]:
    return [(h["report"], str(h["position"])) for h in hits]


def test_the_same_sentence_checkbox_narrows_to_one_sentence(page, store, synonyms) -> None:
    page.goto("/search?" + urlencode({"q": "法院 审判"}))
    everywhere = total_on(page)
    box = page.locator("input[data-sentence]")
    assert not box.is_checked()
    with page.expect_navigation():
        box.check()
    assert "sentence=1" in page.url and page.locator("input[data-sentence]").is_checked()
    expected = search(store, "法院 审判", sentence=True, synonyms=synonyms)
    assert total_on(page) == expected["total"] < everywhere
    for snippet in page.locator("li.hit:not(.partial) .snippet").all_inner_texts():
        assert "法院" in snippet and "审判" in snippet and "…" not in snippet  # the sentence that matched, whole
    with page.expect_navigation():
        page.locator("input[data-sentence]").uncheck()
    assert "sentence" not in page.url and total_on(page) == everywhere
    assert page.js_errors == []


def test_copy_a_citation(browser, live_server: str, store, synonyms) -> None:
    context = browser.new_context(base_url=live_server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto("/search?q=诉源治理")
        hit = search(store, "诉源治理", synonyms=synonyms)["hits"][0]
        box = page.locator("details.cite").first
        button = box.locator("button[data-copy-cite]")
        assert not button.is_visible()  # folded until asked for
        box.locator("summary").click()
        assert button.is_visible() and button.inner_text() == "复制引用"
        button.click()
        page.wait_for_function("document.querySelector('[data-cite-status]').textContent === '已复制'")
        copied = page.evaluate("navigator.clipboard.readText()")
        reference, paragraph = copied.split("\n")
        assert reference.startswith(f"{hit['institution']}. {hit['title']}") and reference.endswith(".")
        assert paragraph == f"第 {hit['position']} 段，永久链接：{live_server}{hit['permalink']}"
        assert box.locator("a.cite-ris").get_attribute("href").endswith(f"/report/{hit['report']}/cite.ris?p={hit['position']}")
        assert errors == []
    finally:
        context.close()


def test_the_feed_link_serves_the_search_as_atom(page, store, synonyms) -> None:
    page.goto("/search?" + urlencode({"q": "执行", "institution": "平湖市人民法院"}))
    link = page.locator("a.feed-link")
    href = link.get_attribute("href")
    assert href == page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.body())
    assert not parsed.bozo and parsed.version == "atom10"
    total = search(store, "执行", institutions=["平湖市人民法院"], synonyms=synonyms)["total"]
    assert len(parsed.entries) == min(total, FEED_ENTRIES) > 0
    assert all(e.author == "平湖市人民法院" for e in parsed.entries)
    assert page.js_errors == []


def test_search_within_results_adds_removable_chips(page, store, synonyms) -> None:
    page.goto("/search?q=法院")
    page.fill("input[data-within]", "审判")
    with page.expect_navigation():
        page.press("input[data-within]", "Enter")
    chips = page.locator("a.chip-within")
    assert chips.count() == 1 and "审判" in chips.inner_text()
    assert total_on(page) == search(store, "法院", within=["审判"], synonyms=synonyms)["total"]
    assert page.locator("input#q").input_value() == "法院"  # the query itself is unchanged
    page.fill("input[data-within]", "管理")
    with page.expect_navigation():
        page.locator("form.within-form button").click()
    assert chips.count() == 2
    assert total_on(page) == search(store, "法院", within=["审判", "管理"], synonyms=synonyms)["total"]
    with page.expect_navigation():
        chips.first.click()  # remove 审判
    assert page.locator("a.chip-within").count() == 1 and "管理" in page.locator("a.chip-within").inner_text()
    assert total_on(page) == search(store, "法院", within=["管理"], synonyms=synonyms)["total"]
    assert page.js_errors == []


def test_a_permalink_lands_on_its_paragraph(page, store, synonyms) -> None:
    hit = search(store, "共享法庭", synonyms=synonyms)["hits"][-1]
    page.goto("/search?q=共享法庭")
    with page.expect_navigation():
        page.locator(f'a.permalink[href="{hit["permalink"]}"]').click()
    assert page.url.endswith(f"/report/{hit['report']}#p{hit['position']}")
    target = page.locator(f"#p{hit['position']}")
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BG
    key = hit["permalink"].rsplit("/", 1)[1]
    page.goto(f"/report/{hit['report']}#k-{key}")  # the key as a fragment lands there too
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BG
    assert page.js_errors == []
