"""/figures and the report's 数据 panel in headless Chromium: choose a metric, read the table and chart, follow a
value to its marked sentence; no script errors or CSP violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.figure_corpus import INSTITUTION

pytestmark = pytest.mark.browser


@pytest.fixture()
def fpage(browser, figure_server: str):
    context = browser.new_context(base_url=figure_server, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def test_choose_a_metric_and_follow_a_conflicting_value_to_its_sentence(fpage, artifacts: Path) -> None:
    fpage.goto("/figures")
    fpage.select_option("#metric", "cases_received")
    fpage.locator("summary", has_text="筛选机构").click()
    fpage.locator(f'input[name="institution"][value="{INSTITUTION}"]').check()
    with fpage.expect_navigation():
        fpage.locator("button.trend-submit").click()
    assert "metric=cases_received" in fpage.url
    cell = fpage.locator("td.fig-cell.conflict")
    assert cell.count() == 1 and "数值不一致" in cell.inner_text()
    assert cell.locator(".fig-value a").all_inner_texts() == ["12,000", "11,800"]
    assert fpage.locator("svg.figure-chart a.pt").count() == 3
    assert fpage.locator("svg.figure-chart a.pt.conflict").count() == 2
    fpage.screenshot(path=str(artifacts / "figures.png"), full_page=True)
    with fpage.expect_navigation():
        cell.locator(".fig-value a").nth(1).click()
    mark = fpage.locator("mark.figure-cite")
    assert mark.count() == 1 and mark.is_visible()
    assert mark.inner_text() == "全年新收各类案件11800件，审结11500件，结案率97.5%"
    assert mark.locator("strong").inner_text() == "11800件"
    assert fpage.url.endswith("#p1") and "/report/hubin-court-2021" in fpage.url
    assert fpage.evaluate("document.getElementById('p1').getBoundingClientRect().top") < 900
    assert fpage.js_errors == []


def test_report_panel_links_into_the_text(fpage, artifacts: Path) -> None:
    fpage.goto("/report/jiaxing-intermediate-court-2020")
    panel = fpage.locator("details.data-panel")
    assert "数据（" in panel.locator("summary").inner_text()
    panel.locator("summary").click()
    links = panel.locator("li > a:first-child")
    assert links.count() > 10
    target = links.nth(links.count() - 1)
    title = target.get_attribute("title")
    fpage.screenshot(path=str(artifacts / "report-data-panel.png"))
    with fpage.expect_navigation():
        target.click()
    mark = fpage.locator("mark.figure-cite")
    assert mark.is_visible() and mark.inner_text() == title
    top = fpage.evaluate("document.querySelector('mark.figure-cite').getBoundingClientRect().top")
    assert 0 <= top < 900
    assert fpage.js_errors == []


def test_unmapped_phrase_and_csv_link(fpage) -> None:
    fpage.goto("/figures")
    fpage.fill("#phrase", "诉前化解纠纷")
    with fpage.expect_navigation():
        fpage.locator("button.trend-submit").click()
    assert fpage.locator("table.figure-table a").count() >= 1
    with fpage.expect_download() as info:
        fpage.locator("a.fig-csv").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("metric,label,canonical") and "诉前化解纠纷" in text
    assert fpage.js_errors == []
