"""The JSON API: exactly the engine's dicts; errors {"error", "status"} with 400/404, never 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from indexer.search.engine import facet_values, get_report, overview, search
from tests.helpers.errors import assert_json_error


@pytest.mark.parametrize(
    "args",
    [
        {"q": "案件"},
        {"q": "案件", "page": "2"},
        {"q": "案件", "per_page": "3", "page": "4"},
        {"q": "诉源治理"},
        {"q": '"共享法庭"'},
        {"q": "执行 OR 调解"},
        {"q": "量子纠缠"},
        {"q": '"执行 (案件'},
    ],
)
def test_api_search_is_exactly_the_engines_dict(client, store, synonyms, args):
    response = client.get("/api/search?" + urlencode(args))
    assert response.status_code == 200 and response.mimetype == "application/json"
    expected = search(store, args["q"], page=int(args.get("page", 1)), per_page=int(args.get("per_page", 10)),
                      synonyms=synonyms)
    assert response.get_json() == expected
    assert list(response.get_json()) == list(expected)  # same key order as the CLI's --json
    assert "\\u" not in response.get_data(as_text=True)  # UTF-8, not ASCII-escaped


def test_api_search_multi_select_filters(client, store):
    facets = search(store, "案件")["facets"]
    institutions = sorted(facets["institution"])[:2]
    years = sorted(facets["year"])[:2]
    query = [("q", "案件")] + [("institution", i) for i in institutions] + [("year", y) for y in years]
    response = client.get("/api/search?" + urlencode(query))
    assert response.get_json() == search(store, "案件", institutions=institutions, years=years)


def test_api_search_year_range(client, store):
    response = client.get("/api/search?" + urlencode({"q": "案件", "year": "2017-2021"}))
    assert response.get_json() == search(store, "案件", years=["2017-2021"])


def test_api_search_past_the_last_page_is_empty_not_an_error(client, store):
    response = client.get("/api/search?" + urlencode({"q": "案件", "page": 999}))
    assert response.status_code == 200
    assert response.get_json()["hits"] == [] and response.get_json()["total"] == search(store, "案件")["total"]


def test_api_search_5000_char_query_is_searched_with_a_notice(client):
    response = client.get("/api/search?" + urlencode({"q": "法" * 5000}))
    assert response.status_code == 200
    assert response.get_json()["notice"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-3",
        "page=two",
        "page=1000001",
        "per_page=0",
        "per_page=101",
        "per_page=",
        "year=20x9",
        "year=2021-2017",
        "q=" + "x" * 10_001,
    ],
)
def test_api_bad_parameters_are_400_json(client, query):
    url = f"/api/search?{query}" if query.startswith("q=") else f"/api/search?q=%E6%A1%88%E4%BB%B6&{query}"
    response = client.get(url)
    if query == "per_page=":
        assert response.status_code == 200  # an empty value means the default
        return
    assert_json_error(response, 400)


def test_api_unknown_facet_value(client, store):
    # the engine stays lenient (0 hits); the API edge reports the typo with the values it could have been
    assert search(store, "案件", institutions=["不存在的法院"])["total"] == 0
    known = facet_values(store)
    response = client.get("/api/search?" + urlencode({"q": "案件", "institution": "不存在的法院"}))
    message = assert_json_error(response, 400)
    assert message.startswith("未知机构：不存在的法院（可选：") and all(v in message for v in known["institution"])
    response = client.get("/api/search?" + urlencode({"q": "案件", "theme": ["改革创新", "不存在"]}, doseq=True))
    assert assert_json_error(response, 400).startswith("未知主题：不存在（可选：")
    # known values, and a well-formed year without reports, are searched as before
    response = client.get("/api/search?" + urlencode({"q": "案件", "theme": known["theme"][0], "year": "1990"}))
    assert response.status_code == 200 and response.get_json()["total"] == 0
    # the HTML page keeps its friendly 0 hits with a removable chip
    page = client.get("/search?" + urlencode({"q": "案件", "institution": "不存在的法院"}))
    assert page.status_code == 200 and "移除筛选：机构 不存在的法院" in page.get_data(as_text=True)


def test_api_report_is_exactly_get_report(client, store):
    for report in overview(store)["reports_list"]:
        response = client.get(f"/api/report/{report['id']}?q=执行")
        assert response.status_code == 200
        assert response.get_json() == get_report(store, report["id"], q="执行")


def test_api_overview(client, store):
    assert client.get("/api/overview").get_json() == overview(store)


def test_api_overview_shows_the_public_metadata_only(client, store):
    """File paths, fingerprints, indexer warnings and detection notes stay in build.json, for the CLI."""
    got = client.get("/api/overview").get_json()
    assert set(got) == {"reports", "paragraphs", "by_institution", "reports_list"}
    built = {r["id"]: r for r in store.current().meta["reports"]}
    assert built and all(r.get("file") and r.get("fingerprint") for r in built.values())  # the CLI still has them
    assert len(got["reports_list"]) == len(built)
    for report in got["reports_list"]:
        assert set(report) == {"id", "title", "institution", "institutions", "years", "date", "source",
                               "paragraphs"}, report
        assert report == {k: built[report["id"]][k] for k in report}
    body = client.get("/api/overview").get_data(as_text=True)
    for record in built.values():
        assert record["file"] not in body and record["fingerprint"] not in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/report/nope",
        "/api/report/..%2F..%2Fetc%2Fpasswd",
        "/api/report/%2e%2e",
        "/api/report/..",
        "/api/report/..%5C..%5Cwindows",
        "/api/report/%252e%252e%252fetc",
        "/api/nowhere",
        "/api/report/",
    ],
)
def test_api_unknown_things_are_404_json(client, path):
    assert_json_error(client.get(path), 404)


def test_api_wrong_method_is_405_json(client):
    response = client.post("/api/search?q=x")
    assert_json_error(response, 405)
