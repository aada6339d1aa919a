"""Issue 20 on the page: related paragraphs (相关：…) and semantic-only ones (语义相近) are labelled, listed after
the full matches, left out of the count, and 只搜原词 turns them off; the JSON API keeps its shape."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from indexer.index.store import Store
from indexer.search.engine import search
from tests.helpers.semantic_corpus import semantic_index
from webapp import create_app


def test_related_paragraphs_are_labelled_on_the_page(client, store, synonyms):
    q = "无纸化"
    expected = search(store, q, synonyms=synonyms, related=True)
    assert expected["related_matches"] > 0
    page = client.get("/search?" + urlencode({"q": q})).get_data(as_text=True)
    labels = re.findall(r'<p class="related-label">相关：(.*?)</p>', page)
    assert labels == ["、".join(h["related"]) for h in expected["hits"] if h["related"]]
    assert page.count('class="hit related"') == expected["related_matches"]
    note = re.search(r'<p class="notice related-note" role="note">(.*?)</p>', page)
    assert note and "相关：" + "、".join(expected["related_terms"]) in note.group(1)
    assert f"第 1–{expected['total']} 个" in page  # the range counts full matches only
    link = re.search(r'<a class="expand-off" href="([^"]+)">只搜原词</a>', page)  # one way back, whatever was added
    assert link is not None
    plain = client.get(html.unescape(link.group(1))).get_data(as_text=True)
    assert "related-label" not in plain and "related-note" not in plain


def test_the_api_keeps_its_shape(client):
    body = client.get("/api/search?" + urlencode({"q": "无纸化"})).get_json()
    assert "related_terms" not in body and all("related" not in h for h in body["hits"])


@pytest.fixture(scope="module")
def semantic_client(tmp_path_factory):
    corpus, index, _new = semantic_index(tmp_path_factory.mktemp("semantic-web"))
    return create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client(), Store(index)


def test_semantic_only_paragraphs_are_labelled_and_follow_full_matches(semantic_client):
    client, store = semantic_client
    page = client.get("/search?" + urlencode({"q": "夫妻"})).get_data(as_text=True)
    expected = search(store, "夫妻", semantic=True)
    assert expected["total"] == 0 and expected["semantic_matches"] > 0
    assert page.count('<p class="semantic-label">语义相近</p>') == expected["semantic_matches"]
    assert "semantic-note" in page and re.search(r"<strong data-total>0</strong>", page)
    full = client.get("/search?" + urlencode({"q": "立案"})).get_data(as_text=True)
    hits = re.findall(r'<li class="hit([^"]*)">', full)
    first_semantic = next((n for n, cls in enumerate(hits) if "semantic" in cls), len(hits))
    assert first_semantic >= 1 and all("semantic" in cls for cls in hits[first_semantic:])
    off = client.get("/search?" + urlencode({"q": "夫妻", "expand": "0"})).get_data(as_text=True)
    assert "semantic-label" not in off
