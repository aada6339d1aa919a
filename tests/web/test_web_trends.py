"""/trends and /api/trends over the real app and index (bundled corpus); the numbers are tested in tests/search."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from indexer.search.engine import search
from indexer.search.features.trends import trends

TERMS = ["诉源治理", "执行 OR 调解"]


def query(terms: list[str], **filters: list[str]) -> str:
    pairs = [("q", t) for t in terms] + [(k, v) for k, vs in filters.items() for v in vs]
    return urlencode(pairs)


def test_api_is_the_library_result(client, store, synonyms) -> None:
    response = client.get("/api/trends?" + query(TERMS))
    assert response.status_code == 200
    assert response.get_json() == trends(store, TERMS, synonyms=synonyms)
    inst = trends(store, TERMS)["series"][1]["spread"][0]["institution"]
    response = client.get("/api/trends?" + query(TERMS, institution=[inst], expand=["0"]))
    assert response.get_json() == trends(store, TERMS, institutions=[inst], expand=False)


@pytest.mark.parametrize("expand", [True, False])
def test_counts_are_the_totals_of_the_linked_searches(client, store, synonyms, expand: bool) -> None:
    off = [] if expand else ["0"]
    body = client.get("/api/trends?" + query(["电诈", "诉源治理"], expand=off)).get_json()
    for series in body["series"]:  # 电诈 is only found through its synonyms in the bundled corpus
        want = search(store, series["term"], synonyms=synonyms, expand=expand)
        assert series["total"] == want["total"] and series["expanded"] == want["expanded"]
        assert bool(series["expanded"]) is expand and (series["notice"] or "").startswith("同时检索") is expand
    assert body["expand"] is expand and (body["series"][0]["total"] > 0) is expand
    series = body["series"][1]
    want = search(store, "诉源治理", synonyms=synonyms, expand=expand)
    html = unescape(client.get("/trends?" + query(["诉源治理"], expand=off)).get_data(as_text=True))
    links = [urlsplit(h) for h in re.findall(r'href="([^"]+)"', html)]
    to_search = [parse_qs(u.query) for u in links if u.path == "/search"]
    assert to_search and all(q.get("expand") == off or (expand and "expand" not in q) for q in to_search)
    legend = next(q for q in to_search if "year" not in q and "institution" not in q)
    page = client.get("/search?" + urlencode({k: v[0] for k, v in legend.items()})).get_data(as_text=True)
    assert f"<strong data-total>{want['total']}</strong>" in page
    box = re.search(r'<input type="checkbox" name="expand" value="0"( checked)?>', html)
    assert box is not None and bool(box.group(1)) is not expand  # the form keeps the choice
    for point in series["by_year"]:
        if point["count"]:
            assert point["count"] == search(store, "诉源治理", years=[str(point["year"])], synonyms=synonyms,
                                            expand=expand)["total"]


@pytest.mark.parametrize(("url", "message"), [
    ("/api/trends", "至少一个检索词"),
    ("/api/trends?q=&q=%20", "第 1 个检索词是空的"),
    ("/api/trends?" + query(["诉源治理", ""]), "第 2 个检索词是空的"),  # the CLI refuses it too; only the form drops it
    ("/api/trends?" + query(list("甲乙丙丁戊己")), "最多比较 5 个"),
    ("/api/trends?" + query(["诉源治理"], institution=["没有这个法院"]), "未知机构"),
    ("/api/trends?" + query(["诉源治理"], theme=["没有这个主题"]), "未知主题"),
    ("/api/trends?" + query(["诉源治理"], institution=["长" * 101]), "过长"),
])
def test_api_errors_are_json_400(client, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 400 and message in body["error"]


def test_page_draws_one_line_per_term_a_table_and_spread(client, store, synonyms) -> None:
    result = trends(store, TERMS, synonyms=synonyms)
    html = client.get("/trends?" + query(TERMS)).get_data(as_text=True)
    assert len(re.findall(r'<g class="series s\d"', html)) == 2
    assert html.count('<path class="line"') == 2
    assert "跨年度报告" in html and "计入其覆盖的每一年" in html
    # every point links to the search for its term and year, and says its raw count on hover
    for n, series in enumerate(result["series"]):
        for point in series["by_year"]:
            href = "/search?" + urlencode({"q": series["term"], "year": str(point["year"])})
            assert f'href="{href.replace("&", "&amp;")}"' in html
            assert f"{series['term']} · {point['year']}年：{point['count']} 段" in unescape(html)
    table = html[html.index('<table class="trend-table"'):html.index("</table>")]
    assert table.count('<th scope="row">') == len(result["years"])
    # spread: institutions in first-mention order, grid cells link to the matching paragraphs
    spread = result["series"][1]["spread"]
    section = unescape(html[html.index('aria-label="执行 OR 调解 的扩散"'):])
    positions = [section.index(f">{e['institution']}</a>") for e in spread]
    assert positions == sorted(positions)
    inst = spread[0]["institution"]
    year, count = next(iter(result["series"][1]["grid"][inst].items()))
    cell = "/search?" + urlencode({"q": "执行 OR 调解", "institution": inst, "year": year})
    assert f'<a href="{cell}">{count}</a>' in section
    assert not re.search(r"\sstyle=", html) and "<script>" not in html  # the CSP forbids inline style/script


def test_page_without_terms_shows_the_form_and_bad_terms_explain(client) -> None:
    response = client.get("/trends")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count('name="q"') >= 5 and "<svg class=\"trend-chart\"" not in html
    response = client.get("/trends?" + query(list("甲乙丙丁戊己")))
    assert response.status_code == 400 and "最多比较 5 个" in response.get_data(as_text=True)


def test_search_page_links_to_the_trend_of_its_query(client, store) -> None:
    inst = next(iter(search(store, "诉源治理")["facets"]["institution"]))
    html = client.get("/search?" + urlencode({"q": "诉源治理", "institution": inst})).get_data(as_text=True)
    link = re.search(r'<a class="trend-link" href="([^"]+)"[^>]*>看趋势</a>', html)
    assert link is not None
    target = urlsplit(unescape(link.group(1)))
    assert target.path == "/trends" and parse_qs(target.query) == {"q": ["诉源治理"], "institution": [inst]}
    assert client.get(unescape(link.group(1))).status_code == 200
    html = client.get("/search?" + urlencode({"q": "诉源治理", "expand": "0"})).get_data(as_text=True)
    link = re.search(r'<a class="trend-link" href="([^"]+)"[^>]*>看趋势</a>', html)
    assert link is not None and parse_qs(urlsplit(unescape(link.group(1))).query) == {"q": ["诉源治理"], "expand": ["0"]}


@pytest.mark.browser
def test_type_two_terms_see_two_lines_click_a_point(page, store, artifacts: Path) -> None:
    page.goto("/trends")
    boxes = page.locator("input[data-trend-term]")
    boxes.nth(0).fill("诉源治理")
    boxes.nth(1).fill("执行")
    with page.expect_navigation():
        boxes.nth(1).press("Enter")
    result = trends(store, ["诉源治理", "执行"])
    assert page.locator("svg.trend-chart g.series").count() == 2
    assert page.locator("svg.trend-chart path.line").count() == 2
    assert page.locator("table.trend-table tbody tr").count() == len(result["years"])
    page.screenshot(path=str(artifacts / "trends.png"), full_page=True)
    point = max(result["series"][1]["by_year"], key=lambda p: p["count"])
    dot = page.locator(f'g.series.s2 a.pt[data-year="{point["year"]}"]')
    assert f"{point['count']} 段" in dot.locator("title").text_content()
    with page.expect_navigation():
        dot.locator("circle.dot").click()
    assert urlsplit(page.url).path == "/search"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["执行"], "year": [str(point["year"])]}
    assert int(page.locator("[data-total]").inner_text()) == point["count"] == \
        search(store, "执行", years=[str(point["year"])])["total"]
    assert page.js_errors == []


@pytest.mark.browser
def test_trends_page_fits_a_phone(browser, live_server: str, artifacts: Path) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/trends?" + query(TERMS))
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    box = page.locator("svg.trend-chart").bounding_box()
    assert box is not None and 300 <= box["width"] <= 375
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('svg.trend-chart .tick')).fontSize)")
    assert size * box["width"] / 480 >= 9  # the axis labels stay readable once the chart is scaled down
    page.screenshot(path=str(artifacts / "trends-phone.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("payload", ['"><script>alert(1)</script>', "</title><script>alert(1)</script>", "<b>执行</b>"])
def test_terms_are_shown_as_text_in_the_svg_and_tables(client, payload: str) -> None:
    from tests.helpers.html_checks import assert_inert

    response = client.get("/trends?" + query([payload, "执行"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg class=\"trend-chart\"" in html
    assert_inert(html)
    assert "<script>alert" not in html and "<b>执行" not in html
