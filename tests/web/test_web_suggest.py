"""/api/suggest and the did-you-mean links of the results page, through the real app over a real index."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from indexer.limits import MAX_REQUEST_QUERY_CHARS, MAX_SUGGESTIONS
from indexer.search.engine import search
from indexer.search.features.suggest import suggest
from tests.helpers.errors import assert_json_error


@pytest.mark.parametrize("q", ["诉", "诉源", "訴源", "执行 扫黑", "-扫黑", "法", "", "year:20", "，。"])
def test_api_suggest_is_exactly_the_engines_dict(client, store, q):
    response = client.get("/api/suggest?" + urlencode({"q": q}))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body == suggest(store, q)
    assert list(body) == ["query", "prefix", "suggestions"]
    for s in body["suggestions"]:
        assert list(s) == ["text", "count", "kind", "approximate", "query"]
        assert isinstance(s["count"], int) and s["count"] > 0 and s["kind"] in ("word", "phrase")
    assert "\\u" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-cache"


def test_api_suggest_without_q_is_empty(client):
    body = client.get("/api/suggest").get_json()
    assert body == {"query": "", "prefix": "", "suggestions": []}


def test_api_suggest_limit(client, store):
    for limit in (1, 5, MAX_SUGGESTIONS):
        body = client.get(f"/api/suggest?q=法&limit={limit}").get_json()
        assert body == suggest(store, "法", limit=limit) and len(body["suggestions"]) == limit


@pytest.mark.parametrize("limit", ["0", str(MAX_SUGGESTIONS + 1), "-1", "abc", "1.5", "99999999999"])
def test_api_suggest_bad_limit_is_a_400_in_the_error_shape(client, limit):
    message = assert_json_error(client.get(f"/api/suggest?q=法&limit={limit}"), 400)
    assert "建议条数" in message


def test_api_suggest_too_long_a_query_is_a_400(client):
    assert_json_error(client.get("/api/suggest?" + urlencode({"q": "诉" * (MAX_REQUEST_QUERY_CHARS + 1)})), 400)
    assert client.get("/api/suggest?" + urlencode({"q": "诉" * MAX_REQUEST_QUERY_CHARS})).get_json()["suggestions"] == []


@pytest.mark.parametrize("q", ["\x00\x01", "<script>alert(1)</script>", "诉%00", "\u202e诉", "😀" * 50])
def test_api_suggest_hostile_q_never_fails(client, q):
    response = client.get("/api/suggest?" + urlencode({"q": q}))
    assert response.status_code == 200 and isinstance(response.get_json()["suggestions"], list)


def test_api_search_has_did_you_mean(client, store, synonyms):
    body = client.get("/api/search?" + urlencode({"q": "诉原治理"})).get_json()
    assert body["total"] == 0 and body["did_you_mean"] == search(store, "诉原治理", synonyms=synonyms)["did_you_mean"]
    assert body["did_you_mean"][0] == {"query": "诉源治理", "total": search(store, "诉源治理", synonyms=synonyms)["total"]}
    assert client.get("/api/search?q=诉源治理").get_json()["did_you_mean"] == []


def test_empty_results_page_links_the_alternatives(client, store, synonyms):
    html = client.get("/search?" + urlencode({"q": "诉原治理"})).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" data-did-you-mean>([^<]+)</a><span class="dym-count">（(\d+) 段）', html)
    expected = search(store, "诉原治理", synonyms=synonyms)["did_you_mean"]
    assert [(text, int(n)) for _, text, n in links] == [(a["query"], a["total"]) for a in expected]
    href = unescape(links[0][0])
    assert href == "/search?" + urlencode({"q": "诉源治理"})
    followed = client.get(href).get_data(as_text=True)
    # the count next to the link is what the link finds (same synonyms as the page)
    assert f'data-total>{search(store, "诉源治理", synonyms=synonyms)["total"]}<' in followed
    assert f'data-total>{links[0][2]}<' in followed


def test_did_you_mean_links_keep_the_filters(client, store):
    institution = sorted(search(store, "诉源治理")["facets"]["institution"])[0]
    html = client.get("/search?" + urlencode({"q": "诉原治理", "institution": institution})).get_data(as_text=True)
    hrefs = [unescape(h) for h in re.findall(r'<a href="([^"]+)" data-did-you-mean>', html)]
    assert hrefs and hrefs[0] == "/search?" + urlencode({"q": "诉源治理", "institution": institution})


def test_no_request_makes_the_suggestion_data_the_build_did(seed_index, repo_corpus, tmp_path, monkeypatch) -> None:
    """Bounded work per request (issue 17): the suggestion data (≈ 2 s of CPU at a million paragraphs) is made by
    the build, not by a request, a thread started by one, or each server process: the first suggestion and
    did-you-mean requests map the build's file."""
    import shutil
    import threading

    from indexer.search.features import suggest_data as module
    from indexer.search.features.suggest import SUGGEST_SLOT
    from tests.helpers.suggest_oracle import is_mapped
    from webapp import create_app

    def no_mining(ctx: object) -> None:
        raise AssertionError("a request mined the suggestion data")

    monkeypatch.setattr(module, "mine", no_mining)
    shutil.copytree(seed_index, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index", "CORPUS_DIR": repo_corpus})
    threads = set(threading.enumerate())
    client = app.test_client()
    assert client.get("/api/search?q=法院").status_code == 200
    assert client.get("/api/suggest?q=诉源").get_json()["suggestions"][0]["text"] == "诉源治理"
    assert client.get("/api/search?q=诉原治理").get_json()["did_you_mean"][0]["query"] == "诉源治理"
    assert set(threading.enumerate()) <= threads
    build = app.extensions["reportsearch.store"].current()
    with build.hold():
        holder = build.slot(SUGGEST_SLOT, lambda: None)
        assert holder is not None and holder.data is not None and is_mapped(holder.data.counts)
