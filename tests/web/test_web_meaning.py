"""Synonym notice, the expand=0 opt-out and partial-match labels in the API and the pages (issue 11)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from indexer.search.engine import search


def test_api_expand_0_turns_synonyms_off(client, store, synonyms):
    on = client.get("/api/search?" + urlencode({"q": "电诈"})).get_json()
    assert on == search(store, "电诈", synonyms=synonyms)
    assert on["expanded"] == {"电诈": list(synonyms.of("电诈"))} and on["total"] >= 4
    off = client.get("/api/search?" + urlencode({"q": "电诈", "expand": "0"})).get_json()
    assert off == search(store, "电诈", synonyms=synonyms, expand=False)
    assert off["expanded"] == {} and off["total"] == 0 and off["expand"] is False


def test_api_report_honours_expand(client):
    on = client.get("/api/report/pinghu-court-2023?" + urlencode({"q": "电诈"})).get_json()
    off = client.get("/api/report/pinghu-court-2023?" + urlencode({"q": "电诈", "expand": "0"})).get_json()
    assert on["hits"] == [14] and off["hits"] == []


def test_page_says_what_was_added_with_a_one_click_way_back(client, store, synonyms):
    page = client.get("/search?" + urlencode({"q": "电诈"})).get_data(as_text=True)
    expected = search(store, "电诈", synonyms=synonyms)
    assert html.escape(expected["notice"], quote=False) in page
    assert "检索式已调整" not in page  # nothing was rewritten, only added
    link = re.search(r'<a class="expand-off" href="([^"]+)">只搜原词</a>', page)
    assert link is not None
    back = html.unescape(link.group(1))
    assert "expand=0" in back and "q=" in back
    plain = client.get(back).get_data(as_text=True)
    assert "同时检索：" not in plain and 'class="expand-on"' in plain
    assert re.search(r"<strong data-total>0</strong>", plain)
    again = re.search(r'<a class="expand-on" href="([^"]+)">', plain)
    assert again is not None and "expand=0" not in html.unescape(again.group(1))


def test_expand_0_is_kept_in_links_to_reports_and_pages(client):
    page = client.get("/search?" + urlencode({"q": "执行", "expand": "0"})).get_data(as_text=True)
    links = re.findall(r'href="(/report/[^"]+)"', page)
    assert links and all("expand=0" in html.unescape(h) for h in links)


def test_partial_matches_are_labelled_on_the_page(client, store, synonyms):
    q = "认罪认罚 从宽 制度"
    expected = search(store, q, synonyms=synonyms, expand=False)
    assert expected["total"] == 0 and expected["partial_matches"] > 0
    page = client.get("/search?" + urlencode({"q": q, "expand": "0"})).get_data(as_text=True)
    labels = re.findall(r'<p class="partial-label">部分匹配 · 缺少：(.*?)</p>', page)
    assert len(labels) == expected["partial_matches"]
    first = [m for m in expected["hits"][0]["missing"]]
    assert labels[0] == "、".join(f"<s>{m}</s>" for m in first)
    assert page.count('class="hit partial"') == expected["partial_matches"]
    assert "以下列出部分匹配的段落" in page


def test_csv_export_lists_full_matches_only(client, store, synonyms):
    q = "共享法庭 知产"
    expected = search(store, q, synonyms=synonyms)
    assert expected["partial_matches"] > 0
    rows = client.get("/export.csv?" + urlencode({"q": q})).get_data(as_text=True).strip().splitlines()
    assert len(rows) - 1 == expected["total"]


def test_serve_refuses_a_malformed_synonyms_file_naming_its_line(tmp_path, seed_index, repo_corpus, monkeypatch):
    from click.testing import CliRunner

    from webapp.cli import cli

    bad = tmp_path / "synonyms.txt"
    bad.write_text("电诈, 电信网络诈骗\n孤零零\n", encoding="utf-8")
    monkeypatch.setenv("REPORTSEARCH_SYNONYMS", str(bad))
    result = CliRunner().invoke(cli, ["serve", "--index", str(seed_index), "--corpus", str(repo_corpus), "--port", "0"])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert f"{bad}:2:" in result.output and "Traceback" not in result.output
