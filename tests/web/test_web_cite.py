"""Issue 22's 引用 and permalinks on the web: the reference on each hit and on the report page, cite.ris / cite.bib,
and /p/<report>/<key> links that still find their paragraph after the report changes around it."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.index.store import Store
from indexer.index.update import Hooks, update_index
from indexer.search.engine import get_report, search
from webapp import create_app

JIAXING = "jiaxing-intermediate-court-2020"
TODAY = dt.date.today().isoformat()


def cite_texts(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<p class="cite-text" data-cite-text>(.*?)</p>', page, re.S)]


def test_each_hit_cites_its_report_paragraph_and_permalink(client, store, synonyms) -> None:
    page = client.get("/search?" + urlencode({"q": "诉源治理"})).get_data(as_text=True)
    hits = search(store, "诉源治理", synonyms=synonyms, related=True, semantic=True)["hits"]  # as the page asks
    texts = cite_texts(page)
    assert len(texts) == len(hits) > 0
    for hit, text in zip(hits, texts):
        reference, paragraph = text.split("\n")
        authors, _, rest = reference.partition(". ")
        assert hit["institution"] in authors.split(", ") and rest.startswith(hit["title"])
        assert paragraph == f"第 {hit['position']} 段，永久链接：http://localhost{hit['permalink']}"
        assert f'href="{hit["permalink"]}"' in page  # the hit's own permalink link
    jiaxing = next(t for t, h in zip(texts, hits) if h["report"] == JIAXING)
    assert jiaxing.startswith("嘉兴市中级人民法院. 嘉兴市中级人民法院工作报告（2020年）: "
                              "2021年2月6日在嘉兴市八届人大六次会议第二次全体会议上[R]. 2021.\n")


def test_the_report_page_cites_the_report_and_each_hit_paragraph(client) -> None:
    page = client.get(f"/report/{JIAXING}?" + urlencode({"q": "诉源治理"})).get_data(as_text=True)
    texts = cite_texts(page)
    assert texts[0] == ("嘉兴市中级人民法院. 嘉兴市中级人民法院工作报告（2020年）: "
                        "2021年2月6日在嘉兴市八届人大六次会议第二次全体会议上[R]. 2021.")
    assert len(texts) == 1 + page.count('class="para is-hit"') and all("永久链接：" in t for t in texts[1:])
    assert "引用本报告" in page and "引用本段" in page


def test_ris_and_bibtex_downloads(client, store) -> None:
    ris = client.get(f"/report/{JIAXING}/cite.ris")
    assert ris.status_code == 200 and ris.mimetype == "application/x-research-info-systems"
    assert f'filename="{JIAXING}.ris"' in ris.headers["Content-Disposition"]
    body = ris.get_data(as_text=True)
    assert body.startswith("TY  - RPRT\r\nAU  - 嘉兴市中级人民法院\r\n") and "DA  - 2021/02/06" in body and "N1" not in body
    para = get_report(store, JIAXING)["paragraphs"][15]  # type: ignore[index]
    noted = client.get(f"/report/{JIAXING}/cite.ris?p={para['position']}").get_data(as_text=True)
    assert f"N1  - 第 {para['position']} 段：http://localhost{para['permalink']}\r\n" in noted
    bib = client.get(f"/report/{JIAXING}/cite.bib")
    assert bib.status_code == 200 and bib.mimetype == "application/x-bibtex"
    assert bib.get_data(as_text=True).startswith(f"@techreport{{{JIAXING},\n  author = {{{{嘉兴市中级人民法院}}}},")
    for bad in (f"/report/{JIAXING}/cite.ris?p=9999", f"/report/{JIAXING}/cite.bib?p=x", "/report/nope/cite.ris",
                "/report/a%00b/cite.bib"):
        response = client.get(bad)
        assert response.status_code == 404 and b"Traceback" not in response.get_data(), bad


def test_the_hit_citation_links_its_files_and_the_report_has_them_too(client) -> None:
    page = client.get("/search?q=诉源治理").get_data(as_text=True)
    assert re.search(r'href="http://localhost/report/[^"/]+/cite\.ris\?p=\d+"', page)
    assert re.search(r'href="http://localhost/report/[^"/]+/cite\.bib\?p=\d+"', page)
    report = client.get(f"/report/{JIAXING}").get_data(as_text=True)
    assert f'href="http://localhost/report/{JIAXING}/cite.ris"' in report


def test_json_gains_permalink_and_keeps_every_key(client, store) -> None:
    hit = client.get("/api/search?q=诉源治理").get_json()["hits"][0]
    assert list(hit)[:-1] == ["id", "report", "title", "institution", "years", "theme", "section", "position",
                              "text", "snippet", "score", "partial", "missing"]
    assert hit["id"] == f"{hit['report']}-p{hit['position']}"
    assert re.fullmatch(rf"/p/{re.escape(hit['report'])}/[0-9a-f]{{10}}(-\d+)?", hit["permalink"])
    doc = client.get(f"/api/report/{hit['report']}").get_json()
    para = next(p for p in doc["paragraphs"] if p["position"] == hit["position"])
    assert para["permalink"] == hit["permalink"] and list(para)[-1] == "permalink"
    assert client.get(hit["permalink"]).headers["Location"].endswith(f"/report/{hit['report']}#p{hit['position']}")


def test_a_report_page_anchors_each_paragraph_by_position_and_by_key(client, store) -> None:
    doc = get_report(store, JIAXING)
    page = client.get(f"/report/{JIAXING}").get_data(as_text=True)
    for para in doc["paragraphs"]:  # type: ignore[index]
        assert f'id="p{para["position"]}"' in page  # old #p24 links still land
        assert f'id="k-{para["permalink"].rsplit("/", 1)[1]}"' in page


@pytest.mark.parametrize("path", ["/p/pinghu-court-2023/ffffffffff", "/p/nope/0123456789", "/p/pinghu-court-2023/<x>",
                                  "/p/pinghu-court-2023/" + "a" * 30])
def test_an_unknown_permalink_is_a_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and b"Traceback" not in response.get_data()


def test_permalinks_survive_a_reindex_that_moves_the_paragraph(tmp_path: Path, repo_corpus: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    index = tmp_path / "index"
    update_index(corpus, index)
    hit = search(Store(index), "诉源治理")["hits"][0]
    path = corpus / f"{hit['report']}.txt"
    text = path.read_text(encoding="utf-8")
    heading = re.search(r"^##[^\n]*\n", text, re.M)
    assert heading is not None
    inserted = "本段为重建索引前新增的段落，用来把后面的段落往后移一位。\n\n"  # a paragraph above all others
    path.write_text(text[: heading.end()] + "\n" + inserted + text[heading.end():], encoding="utf-8")
    assert update_index(corpus, index, hooks=Hooks(max_deleted_fraction=1.0)).changed == [hit["report"]]
    client = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()
    moved = next(h for h in search(Store(index), "诉源治理")["hits"] if h["permalink"] == hit["permalink"])
    assert moved["position"] > hit["position"]
    location = client.get(hit["permalink"]).headers["Location"]
    assert location.endswith(f"/report/{hit['report']}#p{moved['position']}")
    update_index(corpus, index, full=True)
    assert client.get(hit["permalink"]).headers["Location"] == location


def test_repeated_paragraphs_get_numbered_keys(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    same = "全年共审结执行案件一千二百件，执行到位金额三亿元。"
    (corpus / "dup-court-2022.txt").write_text(
        f"# 戊市人民法院工作报告\n\n## 一、执行\n\n{same}\n\n其间开展集中执行行动十次。\n\n{same}\n", encoding="utf-8")
    (corpus / "catalog.toml").write_text('[[report]]\nfile = "dup-court-2022.txt"\ntitle = "戊市人民法院工作报告"\n'
                                         'institution = "戊市人民法院"\nyear = 2022\n', encoding="utf-8")
    index = tmp_path / "index"
    update_index(corpus, index)
    hits = search(Store(index), "“一千二百件”", per_page=10)["hits"]
    links = {h["position"]: h["permalink"] for h in hits}
    assert sorted(links) == [1, 3] and links[3] == links[1] + "-2"
    doc = get_report(Store(index), "dup-court-2022")
    assert [p["permalink"] for p in doc["paragraphs"]] == [links[1], doc["paragraphs"][1]["permalink"], links[3]]  # type: ignore[index]
    client = create_app({"TESTING": True, "INDEX_DIR": index, "CORPUS_DIR": corpus}).test_client()
    assert client.get(links[3]).headers["Location"].endswith("#p3")
