"""`/report/<id>/source`: the original file as an attachment with its MIME type; ids only, never paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.index.build import build_index
from webapp import create_app


def test_the_report_page_links_its_original_file(client, repo_corpus: Path) -> None:
    page = client.get("/report/pinghu-court-2023")
    assert page.status_code == 200
    assert 'href="/report/pinghu-court-2023/source"' in page.get_data(as_text=True)
    got = client.get("/report/pinghu-court-2023/source")
    assert got.status_code == 200
    assert got.mimetype == "text/plain" and got.mimetype_params["charset"] == "utf-8"
    assert got.headers["Content-Disposition"] == "attachment; filename=pinghu-court-2023.txt"
    assert got.data == (repo_corpus / "pinghu-court-2023.txt").read_bytes()  # byte for byte
    got.close()


@pytest.mark.parametrize("path", [
    "/report/no-such-report/source",
    "/report/..%2Fcatalog.toml/source",
    "/report/%2E%2E/source",
    "/report/catalog.toml/source",
    "/report/../catalog.toml/source",
    "/report/pinghu-court-2023.txt/source",
])
def test_unknown_ids_and_paths_are_404(client, path: str) -> None:
    got = client.get(path)
    assert got.status_code == 404
    assert got.mimetype == "text/html" and "没有找到" in got.get_data(as_text=True)
    assert b"[[report]]" not in got.data


@pytest.fixture()
def own_corpus(tmp_path: Path, repo_corpus: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    text = (repo_corpus / "pinghu-court-2023.txt").read_text(encoding="utf-8")
    (corpus / "haining-court-2024.md").write_bytes(text.replace("平湖市", "海宁市").encode("gbk", errors="ignore"))
    index = tmp_path / "index"
    build_index(corpus, index)
    return corpus, index


def test_charset_of_a_gbk_file_and_a_vanished_file(own_corpus: tuple[Path, Path]) -> None:
    corpus, index = own_corpus
    client = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()
    got = client.get("/report/haining-court-2024/source")
    assert got.status_code == 200
    assert got.mimetype == "text/plain" and got.mimetype_params["charset"] == "gb18030"
    assert got.data == (corpus / "haining-court-2024.md").read_bytes()
    got.close()
    (corpus / "haining-court-2024.md").unlink()  # gone since it was indexed
    gone = client.get("/report/haining-court-2024/source")
    assert gone.status_code == 404 and gone.mimetype == "text/html"
    assert client.get("/report/haining-court-2024").status_code == 200  # the indexed text still reads
