"""Property-based: any values of the search parameters give 200/302/400 with well-formed output, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.errors import assert_json_error

SEARCH_KEYS = ["query", "notice", "total", "page", "per_page", "hits", "facets", "expand", "expanded", "partial_matches", "did_you_mean"]

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
number_like = st.one_of(text, st.integers(-10, 2_000_000).map(str), st.just(""))
params = st.lists(
    st.tuples(st.sampled_from(["q", "institution", "year", "theme", "page", "per_page", "other"]),
              st.one_of(text, number_like, st.sampled_from(["2019", "2017-2021", "平湖市人民法院", "司法为民", "案件"]))),
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=params)
def test_api_search_never_fails_badly(app, pairs):
    response = app.test_client().get("/api/search?" + urlencode(pairs))
    assert response.status_code in (200, 400), (pairs, response.status_code)
    body = response.get_json()
    if response.status_code == 200:
        assert list(body) == SEARCH_KEYS
        assert 0 <= len(body["hits"]) <= body["per_page"] <= 100
        assert all("<script" not in h["snippet"] for h in body["hits"])
    else:
        assert_json_error(response, 400)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=params)
def test_search_page_never_fails_badly(app, pairs):
    client = app.test_client()
    for route in ("/search", "/export.csv"):
        response = client.get(route + "?" + urlencode(pairs))
        assert response.status_code in (200, 302, 400), (route, pairs, response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report_id=text, q=text)
def test_report_ids_are_found_or_404(app, report_id, q):
    from urllib.parse import quote

    # follow_redirects: Werkzeug answers "//" in a path with a 308 to the merged path
    url = f"/api/report/{quote(report_id, safe='')}?" + urlencode({"q": q})
    response = app.test_client().get(url, follow_redirects=True)
    assert response.status_code in (200, 404), (report_id, response.status_code)
    if response.status_code == 404:
        assert_json_error(response, 404)
