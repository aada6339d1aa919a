"""Issue 22's alerts without accounts: /feed.atom is valid Atom (read by feedparser), lists a search's newest
paragraphs by the time their report was added, with stable ids, escaped content and the API's limits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import feedparser
import pytest

from indexer.index.store import Store, serving_meta
from indexer.index.update import update_index
from indexer.limits import FEED_ENTRIES, MAX_PER_PAGE, MAX_REQUEST_QUERY_CHARS
from indexer.search.engine import search
from tests.helpers.adding import new_report
from webapp import create_app


def feed(client, **args: object) -> feedparser.FeedParserDict:
    response = client.get("/feed.atom?" + urlencode(args, doseq=True))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(scope="module")
def growing(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path):
    """The bundled corpus indexed, then a fourth report added by a later (incremental) reindex: (client, index)."""
    base = tmp_path_factory.mktemp("feed")
    corpus = base / "corpus"
    shutil.copytree(repo_corpus, corpus)
    index = base / "index"
    update_index(corpus, index)
    new_report(repo_corpus, corpus, "haiyan-court-2024.txt")
    assert update_index(corpus, index).added == ["haiyan-court-2024"]
    app = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus})
    return app.test_client(), index


def test_the_newest_added_report_comes_first_with_the_search_s_hits(growing) -> None:
    client, index = growing
    got = feed(client, q="法院")
    meta = serving_meta(index)
    assert meta is not None
    added = {r["id"]: r["added"] for r in meta["reports"]}
    assert added["haiyan-court-2024"] > max(v for k, v in added.items() if k != "haiyan-court-2024")
    expected = search(Store(index), "法院", sort="added", per_page=FEED_ENTRIES)
    assert len(got.entries) == FEED_ENTRIES <= expected["total"]
    assert [e.link.rsplit("/p/", 1)[1] for e in got.entries] == [h["permalink"][3:] for h in expected["hits"]]
    new = ["/haiyan-court-2024/" in e.link for e in got.entries]
    assert new[0] and new == sorted(new, reverse=True)  # the new report's paragraphs first, then the others
    assert got.entries[0].updated == added["haiyan-court-2024"].replace("+00:00", "Z")
    assert got.feed.updated == got.entries[0].updated
    older = [e for e in got.entries if "/haiyan-court-2024/" not in e.link]
    assert older and all(e.updated < got.entries[0].updated for e in older)
    assert [e.author for e in got.entries][0] == "海盐县人民法院"


def test_filters_and_options_apply_as_in_the_api(growing) -> None:
    client, index = growing
    store = Store(index)
    got = feed(client, q="法院", institution="嘉兴市中级人民法院", per_page=MAX_PER_PAGE)
    assert len(got.entries) == search(store, "法院", institutions=["嘉兴市中级人民法院"])["total"] > 0
    assert all("/jiaxing-intermediate-court-2020/" in e.link for e in got.entries)
    same = feed(client, q="法院 审判", sentence="1", per_page=MAX_PER_PAGE)
    assert len(same.entries) == search(store, "法院 审判", sentence=True)["total"] < search(store, "法院 审判")["total"]
    within = feed(client, q="法院", within="审判", per_page=MAX_PER_PAGE)
    assert len(within.entries) == search(store, "法院", within=["审判"])["total"]
    assert feed(client, q="量子纠缠").entries == []  # no hits: an empty, valid feed (no partial matches)


@pytest.mark.parametrize("args, status", [
    ({"q": "法院", "institution": "不存在的法院"}, 400),
    ({"q": "法" * (MAX_REQUEST_QUERY_CHARS + 1)}, 400),
    ({"q": "法院", "per_page": MAX_PER_PAGE + 1}, 400),
    ({"q": "法院", "year": "abc"}, 400),
    ({"q": "法院", "within": "词" * 101}, 400),
])
def test_the_api_s_limits_hold(growing, args: dict, status: int) -> None:
    client, _ = growing
    response = client.get("/feed.atom?" + urlencode(args))
    assert response.status_code == status
    assert b"Traceback" not in response.get_data()


def test_ids_are_stable_and_content_is_escaped(hostile_client) -> None:
    first = feed(hostile_client, q="诉源治理", per_page=50)
    again = feed(hostile_client, q="诉源治理", per_page=50)
    ids = [e.id for e in first.entries]
    assert ids == [e.id for e in again.entries] and len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    assert first.feed.id == again.feed.id != feed(hostile_client, q="执行").feed.id
    raw = hostile_client.get("/feed.atom?q=alert").get_data(as_text=True)
    assert "<script" not in raw and "&lt;script&gt;alert(4)&lt;/script&gt;" in raw  # markup in the text is text
    hostile = feed(hostile_client, q="alert").entries[0]
    assert "<script>alert(4)</script>" in hostile.content[0].value and hostile.content[0].type == "text/plain"
    assert "<script>alert('title')</script>" in hostile.title  # the catalog's title, as text
    assert "&lt;mark&gt;alert&lt;/mark&gt;" in raw  # the summary's own markup is escaped HTML (type="html")


def test_entry_ids_survive_a_full_reindex(tmp_path: Path, repo_corpus: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    index = tmp_path / "index"
    update_index(corpus, index)
    client = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()
    before = feed(client, q="执行", per_page=MAX_PER_PAGE)
    update_index(corpus, index, full=True)
    client = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()
    after = feed(client, q="执行", per_page=MAX_PER_PAGE)
    assert [(e.id, e.updated) for e in after.entries] == [(e.id, e.updated) for e in before.entries] != []


def test_the_search_page_links_its_feed(client) -> None:
    html = client.get("/search?" + urlencode({"q": "执行", "institution": "平湖市人民法院", "page": 2, "sort": "oldest"}))
    page = html.get_data(as_text=True)
    href = re.search(r'<a class="feed-link" href="([^"]+)"', page)
    assert href is not None
    url = href.group(1).replace("&amp;", "&")
    assert url == "/feed.atom?" + urlencode({"q": "执行", "institution": "平湖市人民法院"})  # no page, no order
    assert f'<link rel="alternate" type="application/atom+xml" title="订阅这个检索（Atom）" href="{href.group(1)}">' in page
    assert feed(client, q="执行", institution="平湖市人民法院").entries
