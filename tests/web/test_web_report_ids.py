"""Report ids: every id the indexer makes is reachable on the web (one rule for both); odd file names never 500."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indexer.index.build import build_index
from indexer.limits import MAX_REPORT_ID_CHARS
from indexer.report_ids import is_report_id, report_id
from webapp import create_app

DOTS = "2021..pinghu.txt"  # the indexer keeps the two dots: id 2021..pinghu
LONG = "pinghu-court-" + "x" * 200 + "-2023.txt"  # a 214-character id
NEWLINE = "pinghu\ncourt-2022.txt"  # a file name with a newline (id pinghu-court-2022)
WORDS = {DOTS: "鲲鹏观测站", LONG: "麒麟实验室", NEWLINE: "凤凰图书馆"}  # one distinct word each


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path):
    """A test client over the bundled corpus plus three reports with odd file names, each with its own word."""
    corpus = tmp_path_factory.mktemp("odd-names") / "corpus"
    shutil.copytree(repo_corpus, corpus)
    text = (repo_corpus / "pinghu-court-2023.txt").read_text(encoding="utf-8")
    for name, word in WORDS.items():
        (corpus / name).write_text(text + f"\n\n本院推进{word}工作，成效明显。\n", encoding="utf-8")
    index = corpus.parent / "index"
    summary = build_index(corpus, index)
    assert summary.reports == 6, [(s.file, s.reason) for s in summary.skipped]
    return create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()


def test_ids_the_indexer_makes_are_reachable_from_every_result_link(odd_names) -> None:
    for name, word in WORDS.items():
        rid = report_id(name)
        result = odd_names.get(f"/api/search?q={quote(word)}").get_json()
        assert {h["report"] for h in result["hits"]} == {rid}, name
        html = odd_names.get(f"/search?q={quote(word)}").get_data(as_text=True)
        links = {unquote(href) for href in re.findall(r'href="(/report/[^"#?]+)', html)}
        assert links == {f"/report/{rid}"}, (name, links)
        for path in (f"/report/{quote(rid)}", f"/api/report/{quote(rid)}", f"/report/{quote(rid)}/source"):
            got = odd_names.get(path)
            assert got.status_code == 200, (path, got.status_code)
            got.close()
    assert report_id(DOTS) == "2021..pinghu"
    assert len(report_id(LONG)) > 200


def test_the_home_page_links_only_reachable_reports(odd_names) -> None:
    html = odd_names.get("/").get_data(as_text=True)
    links = {unquote(href) for href in re.findall(r'href="(/report/[^"#?]+)"', html)}
    assert len(links) == 6
    for link in links:
        assert odd_names.get(quote(link)).status_code == 200, link


def test_a_file_name_with_a_newline_downloads_without_breaking_the_header(odd_names) -> None:
    got = odd_names.get(f"/report/{report_id(NEWLINE)}/source")
    assert got.status_code == 200
    disposition = got.headers["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition
    assert disposition.startswith("attachment;") and "court-2022.txt" in disposition
    assert got.mimetype == "text/plain"
    got.close()


@given(st.text(min_size=1, max_size=300).filter(lambda s: "/" not in s))
@example("2021..pinghu")
@example("x" * 250)
@example("平" * 300)
@example("..")
def test_every_id_the_indexer_makes_passes_the_web_check(name: str) -> None:
    rid = report_id(name + ".txt")
    assert is_report_id(rid) and len(rid) <= MAX_REPORT_ID_CHARS
    assert report_id(rid + ".txt") == rid  # an id names itself


@pytest.mark.parametrize("text", ["", ".", "..", "../catalog", "a/b", "a b", "-a", "a.", "%2e", "a\nb",
                                  "x" * (MAX_REPORT_ID_CHARS + 1)])
def test_what_is_not_an_id(text: str) -> None:
    assert not is_report_id(text)
