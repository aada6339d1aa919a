"""/api/figures (the CLI's JSON, errors through the one error helper), /figures and its CSV, the report page's
数据 panel, and every value's link: it opens the report with exactly the figure's sentence and number marked."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.search.features.figures import CSV_COLUMNS
from tests.helpers.figure_corpus import INSTITUTION

HREF = re.compile(r'href="(/report/[^"#]+\?cite=[^"#]+#p\d+)"')


def cited(client, href: str) -> tuple[str, str]:
    """Follow a value's link: (the marked sentence, the number marked inside it) on the report page."""
    response = client.get(unescape(href))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    m = re.search(r'<mark class="figure-cite" id="cite">(.*?)<strong>(.*?)</strong>(.*?)</mark>', page, re.S)
    assert m, href
    return unescape(m.group(1) + m.group(2) + m.group(3)), unescape(m.group(2))


def test_api_is_the_cli_json(figure_client, figure_index: Path) -> None:
    for query, args in ((f"metric=cases_received&institution={INSTITUTION}", ["--metric", "cases_received",
                                                                              "--institution", INSTITUTION]),
                        ("year=2020", ["--year", "2020"]), ("", [])):
        api = figure_client.get(f"/api/figures?{query}")
        assert api.status_code == 200 and api.mimetype == "application/json"
        out = CliRunner().invoke(cli, ["figures", "--index", str(figure_index), "--json", *args]).output
        assert api.get_json() == json.loads(out)


def test_api_shape(figure_client) -> None:
    doc = figure_client.get("/api/figures?metric=收案").get_json()
    assert list(doc) == ["metric", "metric_id", "metric_label", "institutions", "year", "metrics", "total", "figures",
                         "conflicts", "truncated", "rows"]
    assert doc["metric_id"] == "cases_received" and {"id", "label", "units"} == set(doc["metrics"][0])
    row = doc["rows"][0]
    assert {"metric", "label", "canonical", "scope", "institution", "years", "unit", "kind", "conflict",
            "figures"} == set(row)
    assert {"paragraph", "sentence", "sentence_start", "sentence_end", "span", "start", "end", "value"} <= set(
        row["figures"][0])


@pytest.mark.parametrize(("query", "message"), [
    ("year=去年", "年份"),
    ("institution=没有这个法院", "未知机构"),
    ("metric=" + "x" * 101, "指标过长"),
    ("year=2021-2017", "年份"),
])
def test_api_errors_are_json_400(figure_client, query: str, message: str) -> None:
    response = figure_client.get(f"/api/figures?{query}")
    assert response.status_code == 400
    doc = response.get_json()
    assert set(doc) == {"error", "status"} and doc["status"] == 400 and message in doc["error"]
    page = figure_client.get(f"/figures?metric=cases_received&{query.replace('metric=', 'phrase=')}")
    assert page.status_code == 400 and "text/html" in page.content_type and message in page.get_data(as_text=True)


def test_page_without_a_metric_offers_every_canonical_metric(figure_client) -> None:
    page = figure_client.get("/figures").get_data(as_text=True)
    doc = figure_client.get("/api/figures?metric=结案率").get_json()
    for m in doc["metrics"]:
        assert f'<option value="{m["id"]}"' in page and m["label"] in page
        assert f'href="/figures?metric={m["id"]}"' in page


def test_table_shows_the_conflict_side_by_side_and_every_value_links_to_its_sentence(figure_client) -> None:
    doc = figure_client.get(f"/api/figures?metric=cases_received&institution={INSTITUTION}").get_json()
    page = figure_client.get(f"/figures?metric=cases_received&institution={INSTITUTION}").get_data(as_text=True)
    conflict = re.search(r'<td class="fig-cell conflict">(.*?)</td>', page, re.S)
    assert conflict and "数值不一致" in conflict.group(1)
    assert re.findall(r'data-value="(\d+)"', conflict.group(1)) == ["12000", "11800"]
    statements = {(f["sentence"], f["span"]) for r in doc["rows"] for f in r["figures"]}
    table = page[page.index("<table"):]
    links = set(HREF.findall(table))
    assert len(links) == len(statements) == doc["figures"]
    assert {cited(figure_client, href) for href in links} == statements


def test_chart_points_link_to_sentences(figure_client) -> None:
    page = figure_client.get(f"/figures?metric=cases_received&institution={INSTITUTION}").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    points = re.findall(r'<a class="pt( conflict)?" href="([^"]+)"', svg)
    assert [bool(c) for c, _ in points].count(True) == 2  # the two 2021 statements, each its own point
    assert len(points) == 3  # 2020, and 2021 twice; the five-year total is no single year
    assert {cited(figure_client, href)[1] for _, href in points} == {"10400件", "12000件", "11800件"}


def test_a_phrase_reaches_unmapped_figures(figure_client) -> None:
    page = figure_client.get("/figures?phrase=诉前化解纠纷").get_data(as_text=True)
    links = HREF.findall(page[page.index("<table"):])
    assert links and all("诉前化解纠纷" in cited(figure_client, h)[0] for h in links)


def test_csv_download(figure_client) -> None:
    doc = figure_client.get(f"/api/figures?metric=cases_received&institution={INSTITUTION}").get_json()
    page = figure_client.get(f"/figures?metric=cases_received&institution={INSTITUTION}").get_data(as_text=True)
    href = unescape(re.search(r'class="fig-csv" href="([^"]+)"', page).group(1))
    response = figure_client.get(href)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(lines[0]) == CSV_COLUMNS and len(lines) - 1 == doc["figures"]


def test_report_panel_lists_the_reports_figures_with_links_into_the_text(figure_client, figure_index: Path) -> None:
    from indexer.figures.store import read_figures
    from indexer.index.store import Store

    build = Store(figure_index).current()
    for report in ("jiaxing-intermediate-court-2020", "hubin-court-2017-2021"):
        expected = [(f.sentence, f.span) for f in read_figures(build.path, build.meta, [report])]
        page = figure_client.get(f"/report/{report}").get_data(as_text=True)
        start = page.index('<details class="data-panel"')  # the page has other <details> (引用) before it
        panel = page[start:page.index("</details>", start)]
        assert f"数据（{len(expected)} 个数字）" in panel
        links = HREF.findall(panel)
        assert len(links) == len(expected)
        assert [cited(figure_client, h) for h in links] == expected


def test_bad_cite_is_a_400_and_a_stale_one_marks_nothing(figure_client) -> None:
    assert figure_client.get("/report/hubin-court-2021?cite=1:2").status_code == 400
    stale = figure_client.get("/report/hubin-court-2021?cite=1:0-9999:1-2")
    assert stale.status_code == 200 and 'class="figure-cite"' not in stale.get_data(as_text=True)
