"""Issue 22's search options on the web: /api/search?sort=&sentence=&within= is the engine's answer, the page keeps
them in every link it makes, and the two small forms (同句, 在结果中检索) turn into /search URLs."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from indexer.limits import MAX_WITHIN_TERMS
from indexer.search.engine import search


def api(client, **args: object) -> dict:
    response = client.get("/api/search?" + urlencode(args, doseq=True))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_api_takes_sort_sentence_and_within(client, store, synonyms) -> None:
    assert api(client, q="法院", sort="newest") == search(store, "法院", sort="newest", synonyms=synonyms)
    assert api(client, q="法院", sort="oldest", page=2) == search(store, "法院", sort="oldest", page=2, synonyms=synonyms)
    assert api(client, q="法院 审判", sentence=1) == search(store, "法院 审判", sentence=True, synonyms=synonyms)
    assert api(client, q="法院", within=["审判", "管理"]) == search(store, "法院", within=["审判", "管理"], synonyms=synonyms)
    assert api(client, q="法院", sentence=0) == api(client, q="法院")  # sentence=0 and absent: off
    assert api(client, q="法院", sort="") == api(client, q="法院")  # empty: the default order


@pytest.mark.parametrize("args, message", [
    ({"q": "法院", "sort": "date"}, "排序方式"),
    ({"q": "法院", "sort": "added"}, "排序方式"),  # the feed's order is not a user's choice
    ({"q": "法院", "within": [f"词{n}" for n in range(MAX_WITHIN_TERMS + 1)]}, "在结果中检索最多"),
    ({"q": "法院", "within": "调" * 101}, "过长"),
])
def test_bad_option_values_are_a_400_with_a_message(client, args: dict, message: str) -> None:
    response = client.get("/api/search?" + urlencode(args, doseq=True))
    assert response.status_code == 400 and message in response.get_json()["error"]
    assert client.get("/search?" + urlencode(args, doseq=True)).status_code == 400


def hrefs(page: str, css_class: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a class="{css_class}"[^>]* href="([^"]+)"', page)]


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_the_sort_control_links_each_order_and_marks_the_current_one(client, store, synonyms) -> None:
    page = client.get("/search?" + urlencode({"q": "法院", "institution": "平湖市人民法院", "page": 2})).get_data(as_text=True)
    links = {s: hrefs(page, f"sort-{s}")[0] for s in ("relevance", "newest", "oldest")}
    assert query(links["newest"]) == [("q", "法院"), ("institution", "平湖市人民法院"), ("sort", "newest")]  # page 1
    assert query(links["relevance"]) == [("q", "法院"), ("institution", "平湖市人民法院")]
    assert re.search(r'class="sort-relevance" href="[^"]+" data-sort="relevance" aria-current="true"', page)
    newest = client.get(links["newest"]).get_data(as_text=True)
    assert re.search(r'data-sort="newest" aria-current="true"', newest)
    expected = search(store, "法院", institutions=["平湖市人民法院"], sort="newest", synonyms=synonyms)["hits"]
    shown = re.findall(r'<h2 class="hit-title"><a href="/report/([^"?]+)\?[^"]*#p(\d+)"', newest)
    assert shown == [(h["report"], str(h["position"])) for h in expected]


def test_every_link_of_a_page_keeps_the_options(client) -> None:
    state = {"q": "法院", "within": "审判", "sort": "oldest", "sentence": "1"}
    page = client.get("/search?" + urlencode(state)).get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'href="(/(?:search|report/[^/"?]+)\?[^"]*)"', page)]
    facet_links = [u for u in links if u.startswith("/search") and ("institution=" in u or "year=" in u)]
    assert facet_links and all(("within", "审判") in query(u) and ("sort", "oldest") in query(u)
                               and ("sentence", "1") in query(u) for u in facet_links)
    reports = [u for u in links if u.startswith("/report/")]
    assert reports and all(("within", "审判") in query(u) and ("sentence", "1") in query(u) for u in reports)
    export = re.search(r'<a class="export" href="([^"]+)"', page)
    assert export and ("sort", "oldest") in query(html.unescape(export.group(1)))


def test_the_sentence_checkbox_and_the_within_box_become_search_urls(client) -> None:
    state = urlencode({"q": "法院 审判", "institution": "平湖市人民法院", "sort": "newest"})
    on = client.get("/search/refine?" + urlencode({"state": state, "set": "sentence", "sentence": "1"}))
    assert on.status_code == 302
    assert query(on.headers["Location"]) == [("q", "法院 审判"), ("institution", "平湖市人民法院"), ("sort", "newest"),
                                             ("sentence", "1")]
    off = client.get("/search/refine?" + urlencode({"state": state + "&sentence=1&page=3", "set": "sentence"}))
    assert ("sentence", "1") not in query(off.headers["Location"]) and ("page", "3") not in query(off.headers["Location"])
    within = client.get("/search/refine?" + urlencode({"state": state + "&within=管理", "within": "  监督  工作 "}))
    assert [v for k, v in query(within.headers["Location"]) if k == "within"] == ["管理", "监督 工作"]
    many = urlencode([("q", "法院")] + [("within", f"词{n}") for n in range(MAX_WITHIN_TERMS)])
    assert client.get("/search/refine?" + urlencode({"state": many, "within": "再一个"})).status_code == 400


def test_within_terms_are_removable_chips_and_required(client, store, synonyms) -> None:
    page = client.get("/search?" + urlencode([("q", "法院"), ("within", "审判"), ("within", "管理")])).get_data(as_text=True)
    chips = re.findall(r'<a class="chip chip-within" href="([^"]+)" aria-label="移除：在结果中检索 ([^"]+)">', page)
    assert [label for _, label in chips] == ["审判", "管理"]
    assert query(html.unescape(chips[0][0])) == [("q", "法院"), ("within", "管理")]
    total = int(re.search(r"<strong data-total>(\d+)</strong>", page).group(1))  # type: ignore[union-attr]
    assert total == search(store, "法院", within=["审判", "管理"], synonyms=synonyms)["total"] > 0
    assert total < search(store, "法院", synonyms=synonyms)["total"]
    alone = client.get("/search?" + urlencode({"within": "审判"}))  # no q: the within term alone is the query
    assert alone.status_code == 200 and "chip-within" in alone.get_data(as_text=True)


def test_the_report_page_marks_what_the_page_with_options_found(client, store, synonyms) -> None:
    hits = search(store, "法院 审判", sentence=True, within=["管理"], synonyms=synonyms)["hits"]
    assert hits
    report = hits[0]["report"]
    page = client.get(f"/report/{report}?" + urlencode({"q": "法院 审判", "sentence": 1, "within": "管理"}))
    marked = sorted(int(n) for n in re.findall(r'class="para is-hit" id="p(\d+)"', page.get_data(as_text=True)))
    assert marked == sorted(h["position"] for h in hits if h["report"] == report and not h["partial"])
