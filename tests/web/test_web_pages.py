"""The pages through Flask's test client, against the real engine over a real index of the bundled corpus."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from markupsafe import escape

from indexer.search.engine import get_report, overview, search
from tests.helpers.errors import assert_json_error
from tests.helpers.html_checks import Elements


def tags(html: str, element: str, /, **attrs: str) -> list[dict[str, str | None]]:
    """Attributes of every <element> having all the given attribute values (class matched by word)."""
    parser = Elements()
    parser.feed(html)
    out = []
    for tag, found in parser.found:
        if tag != element:
            continue
        ok = True
        for key, value in attrs.items():
            key = key.rstrip("_")
            if key == "class":
                ok &= value in (found.get("class") or "").split()
            else:
                ok &= found.get(key) == value
        if ok:
            out.append(found)
    return out


def get_html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# --- home -------------------------------------------------------------------------------------------


def test_home_has_labelled_autofocus_search_box_and_chinese_lang(client):
    html = get_html(client, "/")
    assert '<html lang="zh-CN">' in html
    (box,) = tags(html, "input", id="q")
    assert "autofocus" in box and box["name"] == "q" and box["type"] == "search"
    assert tags(html, "label", **{"for": "q"}), "the search box has a <label for>"
    assert tags(html, "form", role="search")[0]["action"] == "/search"
    assert [s["src"] for s in tags(html, "script")] == ["/static/app.js", "/static/suggest.js"]


def test_home_overview_lists_reports_by_institution_and_year(client, store):
    info = overview(store)
    html = get_html(client, "/")
    assert f"<strong>{info['reports']}</strong>" in html
    assert f"<strong>{info['paragraphs']}</strong>" in html
    for institution, per_year in info["by_institution"].items():
        assert str(escape(institution)) in html
        for year, n in per_year.items():
            assert f'aria-label="{escape(institution)} {year}年：{n} 份报告"' in html
    for report in info["reports_list"]:
        assert f'href="/report/{report["id"]}"' in html
        assert str(escape(report["title"])) in html


def test_home_with_a_query_redirects_to_the_search_page(client):
    response = client.get("/?q=执行&year=2020")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/search"
    assert parse_qs(target.query) == {"q": ["执行"], "year": ["2020"]}


def test_empty_search_goes_home(client):
    response = client.get("/search?q=+")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- search -----------------------------------------------------------------------------------------


def test_search_lists_the_engines_hits_with_marked_snippets_and_links(client, store):
    expected = search(store, "案件")
    assert expected["total"] > 10, "the query must need more than one page for this test"
    html = get_html(client, "/search?q=案件")
    assert f"<strong data-total>{expected['total']}</strong>" in html
    links = [a["href"] for a in tags(html, "a") if (a.get("href") or "").startswith("/report/")]
    assert links == [f"/report/{h['report']}?q=%E6%A1%88%E4%BB%B6#p{h['position']}" for h in expected["hits"]]
    assert html.count('<p class="snippet">') == len(expected["hits"]) == 10
    assert html.count("<mark>") >= len(expected["hits"])
    for hit in expected["hits"]:
        assert str(escape(hit["institution"])) in html and str(escape(hit["theme"])) in html
        if hit["section"]:
            assert str(escape(hit["section"])) in html
    (ol,) = tags(html, "ol", class_="hits")
    assert ol["start"] == "1"


def test_search_facets_show_counts_and_toggle_links(client, store):
    expected = search(store, "案件")
    html = get_html(client, "/search?q=案件")
    for facet in ("institution", "year", "theme"):
        boxes = tags(html, "input", type="checkbox", name=facet)
        assert sorted(b["value"] for b in boxes) == sorted(expected["facets"][facet])
        assert not any("checked" in b for b in boxes)
        for box in boxes:
            (label,) = tags(html, "label", **{"for": box["id"]})  # every checkbox is labelled
            count = expected["facets"][facet][box["value"]]
            assert f'aria-label="{count} 段">{count}</span>' in html
    # the year chart: one bar per year of the facet, each a link that toggles that year
    bars = tags(html, "a", class_="bar")
    assert len(bars) == len(expected["facets"]["year"])
    for bar in bars:
        year = parse_qs(urlsplit(bar["href"]).query)["year"]
        assert len(year) == 1 and year[0] in expected["facets"]["year"]
        assert f'{year[0]}年：{expected["facets"]["year"][year[0]]} 段' in bar["aria-label"]
    assert len(tags(html, "rect")) == len(bars)


def test_selecting_institutions_filters_and_shows_removable_chips(client, store):
    everything = search(store, "案件")
    first, second = sorted(everything["facets"]["institution"])[:2]
    one = search(store, "案件", institutions=[first])
    html = get_html(client, "/search?" + urlencode({"q": "案件", "institution": first}))
    assert one["total"] == everything["facets"]["institution"][first]
    assert f"<strong data-total>{one['total']}</strong>" in html
    (chip,) = tags(html, "a", class_="chip")
    assert chip["href"] == "/search?q=%E6%A1%88%E4%BB%B6"  # removing the chip drops the filter
    (checked,) = [b for b in tags(html, "input", type="checkbox", name="institution") if "checked" in b]
    assert checked["value"] == first

    both = search(store, "案件", institutions=[first, second])
    html = get_html(client, "/search?" + urlencode([("q", "案件"), ("institution", first), ("institution", second)]))
    assert f"<strong data-total>{both['total']}</strong>" in html
    assert both["total"] == one["total"] + everything["facets"]["institution"][second]
    chips = tags(html, "a", class_="chip")
    assert [parse_qs(urlsplit(c["href"]).query).get("institution") for c in chips] == [[second], [first]]
    assert tags(html, "a", class_="chip-clear")[0]["href"] == "/search?q=%E6%A1%88%E4%BB%B6"


def test_year_and_theme_filters_match_the_engine(client, store):
    everything = search(store, "案件")
    year = sorted(everything["facets"]["year"])[0]
    theme = sorted(everything["facets"]["theme"])[0]
    expected = search(store, "案件", years=[year], themes=[theme])
    html = get_html(client, "/search?" + urlencode({"q": "案件", "year": year, "theme": theme}))
    assert f"<strong data-total>{expected['total']}</strong>" in html
    assert len(tags(html, "a", class_="chip")) == 2
    (bar,) = tags(html, "a", class_="selected")
    assert f"{year}年" in bar["aria-label"]


def test_filters_alone_browse_without_a_query(client, store):
    institution = sorted(overview(store)["by_institution"])[0]
    expected = search(store, "", institutions=[institution])
    html = get_html(client, "/search?" + urlencode({"institution": institution}))
    assert f"<strong data-total>{expected['total']}</strong>" in html


def test_pagination_marks_the_current_page_and_keeps_the_state(client, store):
    expected = search(store, "案件", page=2)
    html = get_html(client, "/search?q=案件&page=2")
    (current,) = tags(html, "a", **{"aria-current": "page"})
    assert current["href"] == "/search?q=%E6%A1%88%E4%BB%B6&page=2"
    (prev,) = tags(html, "a", rel="prev")
    assert prev["href"] == "/search?q=%E6%A1%88%E4%BB%B6"
    (ol,) = tags(html, "ol", class_="hits")
    assert ol["start"] == "11"
    assert tags(html, "nav", **{"aria-label": "分页"})
    links = [a["href"] for a in tags(html, "a") if (a.get("href") or "").startswith("/report/")]
    assert len(links) == len(expected["hits"]) > 0


def test_per_page_is_kept_in_links(client, store):
    expected = search(store, "案件", per_page=5)
    html = get_html(client, "/search?q=案件&per_page=5")
    assert html.count('<p class="snippet">') == len(expected["hits"]) == 5
    (nxt,) = tags(html, "a", rel="next")
    assert parse_qs(urlsplit(nxt["href"]).query) == {"q": ["案件"], "page": ["2"], "per_page": ["5"]}
    assert tags(html, "input", type="hidden", name="per_page")[0]["value"] == "5"


def test_page_past_the_end_is_a_friendly_page(client, store):
    total = search(store, "案件")["total"]
    last = -(-total // 10)
    html = get_html(client, f"/search?q=案件&page={last + 5}")
    assert f"第 {last + 5} 页没有结果" in html
    assert f'href="/search?q=%E6%A1%88%E4%BB%B6&amp;page={last}"' in html or last == 1


def test_no_hits_page_explains_what_to_try(client, store):
    q = "量子纠缠"
    assert search(store, q)["total"] == 0
    html = get_html(client, "/search?" + urlencode({"q": q}))
    assert "没有找到包含「量子纠缠」的段落" in html
    assert "<strong data-total>0</strong>" in html
    assert not tags(html, "input", type="checkbox")  # no empty facet sidebar
    assert not tags(html, "svg")  # nor an empty chart


def test_rewritten_query_shows_the_engines_notice(client, store):
    q = '"执行 (案件'
    expected = search(store, q)
    assert expected["notice"], "an unbalanced query must be rewritten with a notice"
    html = get_html(client, "/search?" + urlencode({"q": q}))
    assert str(escape(expected["notice"])) in html
    assert 'class="notice"' in html


def test_a_5000_char_query_is_searched_with_a_notice(client, store):
    q = ("执行案件" * 1250)[:5000]
    expected = search(store, q)
    html = get_html(client, "/search?" + urlencode({"q": q}))
    assert expected["notice"] and str(escape(expected["notice"])) in html


def test_a_very_long_query_string_is_refused_politely(client):
    html = get_html(client, "/search?" + urlencode({"q": "执" * 20_000}), status=400)
    assert "查询过长" in html and "Traceback" not in html


# --- report view -------------------------------------------------------------------------------------


def test_report_view_shows_every_paragraph_with_anchors_and_marks(client, store):
    hit = search(store, "共享法庭")["hits"][0]
    doc = get_report(store, hit["report"], q="共享法庭")
    html = get_html(client, f"/report/{hit['report']}?q=共享法庭")
    assert f"<h1>{escape(doc['title'])}</h1>" in html
    ids = [d["id"] for d in tags(html, "div", class_="para")]
    assert ids == [f"p{p['position']}" for p in doc["paragraphs"]]
    assert hit["position"] in doc["hits"]
    hit_divs = [d["id"] for d in tags(html, "div", class_="is-hit")]
    assert hit_divs == [f"p{pos}" for pos in doc["hits"]]
    assert html.count("<mark>") >= len(doc["hits"])
    headings = [h.replace("<mark>", "").replace("</mark>", "") for h in re.findall(r'<h2 class="section">(.*?)</h2>', html)]
    for section in {p["section"] for p in doc["paragraphs"] if p["section"]}:
        assert str(escape(section)) in headings


def test_hits_matched_through_their_section_heading_show_the_marked_heading(client, store):
    result = search(store, "法院", per_page=100)
    by_heading = [h for h in result["hits"] if "<mark>" not in h["snippet"]]
    assert by_heading, "expected hits that match 法院 only in their section heading"
    assert all("法院" in h["section"] for h in by_heading)
    html = get_html(client, "/search?q=法院&per_page=100")
    items = re.findall(r'<li class="hit">(.*?)</li>', html, re.S)
    assert len(items) == len(result["hits"])
    for item, hit in zip(items, result["hits"]):
        found = re.search(r'<p class="hit-section">(.*?)</p>', item)
        section = found.group(1) if found else ""
        snippet = re.search(r'<p class="snippet">(.*?)</p>', item, re.S).group(1)
        assert "<mark>" in section + snippet, hit["id"]  # the user always sees why it matched
        if hit in by_heading:
            assert "<mark>法院</mark>" in section, hit["id"]
    # the report view marks the heading too
    hit = by_heading[0]
    page = get_html(client, f"/report/{hit['report']}?" + urlencode({"q": "法院"}))
    marked = [h for h in re.findall(r'<h2 class="section">(.*?)</h2>', page) if "<mark>法院</mark>" in h]
    assert any(h.replace("<mark>", "").replace("</mark>", "") == str(escape(hit["section"])) for h in marked)


def test_report_view_links_next_and_previous_hits(client, store):
    for q in ("执行", "案件", "审判"):
        for report in overview(store)["reports_list"]:
            hits = get_report(store, report["id"], q=q)["hits"]
            if len(hits) >= 3:
                break
        else:
            continue
        break
    else:
        pytest.fail("no report with 3 hits for the test queries")
    html = get_html(client, f"/report/{report['id']}?" + urlencode({"q": q}))
    nexts = [a["href"] for a in tags(html, "a", rel="next")]
    prevs = [a["href"] for a in tags(html, "a", rel="prev")]
    assert nexts == [f"#p{p}" for p in hits[1:]]
    assert prevs == [f"#p{p}" for p in hits[:-1]]
    assert f"本报告有 <strong>{len(hits)}</strong> 段" in html


def test_report_view_without_query_has_no_marks(client, store):
    report = overview(store)["reports_list"][0]
    html = get_html(client, f"/report/{report['id']}")
    assert "<mark>" not in html and 'class="hitbar"' not in html
    assert tags(html, "a", href="/")  # back home


@pytest.mark.parametrize(
    "path",
    [
        "/report/no-such-report",
        "/report/..%2F..%2Fetc%2Fpasswd",
        "/report/%2e%2e",
        "/report/..",
        "/report/.hidden",
        "/report/a%00b",
        "/report/a%5Cb",
        "/report/../../etc/passwd",
        "/report/" + "x" * 300,
        "/nowhere",
    ],
)
def test_unknown_reports_and_routes_are_friendly_404_pages(client, path):
    html = get_html(client, path, status=404)
    assert "没有找到这个页面" in html and "root:" not in html


# --- CSV export ---------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_csv_has_every_hit_of_the_query_in_rank_order(client, store):
    total = search(store, "案件")["total"]
    ranked = [h["id"] for page in range(1, -(-total // 100) + 1) for h in search(store, "案件", page=page, per_page=100)["hits"]]
    rows = csv_rows(client.get("/export.csv?q=案件&page=3"))  # page is ignored: the export has all pages
    assert rows[0] == ["rank", "id", "report", "title", "institution", "years", "theme", "section", "position", "score", "text"]
    assert [r[1] for r in rows[1:]] == ranked
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, total + 1)]


def test_export_csv_follows_the_filters(client, store):
    institution = sorted(search(store, "案件")["facets"]["institution"])[0]
    expected = search(store, "案件", institutions=[institution], per_page=100)
    rows = csv_rows(client.get("/export.csv?" + urlencode({"q": "案件", "institution": institution})))
    assert [r[1] for r in rows[1:]] == [h["id"] for h in expected["hits"]]
    assert {r[4] for r in rows[1:]} == {institution}


def test_export_csv_stops_at_the_documented_cap(client, store, monkeypatch):
    import webapp.pages

    monkeypatch.setattr(webapp.pages, "EXPORT_MAX_ROWS", 3)
    rows = csv_rows(client.get("/export.csv?q=案件"))
    assert [r[1] for r in rows[1:]] == [h["id"] for h in search(store, "案件")["hits"][:3]]


def test_export_link_on_the_search_page_keeps_the_filters(client, store):
    institution = sorted(search(store, "案件")["facets"]["institution"])[0]
    html = get_html(client, "/search?" + urlencode({"q": "案件", "institution": institution, "page": 2}))
    (link,) = tags(html, "a", class_="export")
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["案件"], "institution": [institution]}


# --- errors ---------------------------------------------------------------------------------------------

BAD_PARAMS = [
    "page=0",
    "page=-1",
    "page=abc",
    "page=1.5",
    "page=1000001",
    "page=99999999999999999999",
    "per_page=0",
    "per_page=101",
    "per_page=x",
    "year=abc",
    "year=20199",
    "year=2021-2017",
    "institution=" + "法" * 101,
    "&".join(f"theme=t{i}" for i in range(21)),
]


@pytest.mark.parametrize("params", BAD_PARAMS)
@pytest.mark.parametrize("route", ["/search", "/export.csv"])
def test_bad_parameters_are_friendly_400_pages(client, route, params):
    html = get_html(client, f"{route}?q=%E6%A1%88%E4%BB%B6&{params}", status=400)
    assert "请求参数有误" in html and "Traceback" not in html


def test_post_is_not_allowed(client):
    response = client.post("/search?q=x")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_500_with_the_trace_logged_not_shown(seed_index, repo_corpus, caplog):
    from webapp import create_app

    app = create_app({"INDEX_DIR": seed_index, "CORPUS_DIR": repo_corpus, "INIT_ANALYZER": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    # a bug is a 500 (never a 503, which means "index missing or being built"), its traceback in the log
    html = get_html(app.test_client(), "/boom", status=500)
    assert "secret internal detail" not in html and "Traceback" not in html
    logged = [r for r in caplog.records if r.exc_info and "secret internal detail" in str(r.exc_info[1])]
    assert logged and "/boom" in logged[0].getMessage()
    caplog.clear()
    response = app.test_client().get("/api/boom")
    assert "secret" not in assert_json_error(response, 500)
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_a_missing_index_is_explained_not_crashed(tmp_path, repo_corpus):
    from webapp import create_app

    client = create_app({"INDEX_DIR": tmp_path / "none", "CORPUS_DIR": repo_corpus}).test_client()
    html = get_html(client, "/", status=503)
    assert "reportsearch reindex" in html
    assert "reportsearch reindex" in assert_json_error(client.get("/api/search?q=x"), 503)


def test_the_app_serves_a_rebuilt_index_without_restart(tmp_path, repo_corpus):
    import shutil

    from indexer.index.build import build_index
    from webapp import create_app

    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    held_back = sorted(corpus.glob("*.txt"))[1:]
    for path in held_back:  # first index: one report (the others' catalog entries are skipped)
        path.rename(tmp_path / path.name)
    build_index(corpus, tmp_path / "index")
    app = create_app({"INDEX_DIR": tmp_path / "index", "CORPUS_DIR": corpus})
    client = app.test_client()
    assert client.get("/api/overview").get_json()["reports"] == 1
    for path in held_back:
        (tmp_path / path.name).rename(path)
    with app.test_request_context("/"):
        from webapp.state import get_store

        pinned = get_store().current()
        build_index(corpus, tmp_path / "index")  # a reindex switches CURRENT in the middle of this request
        assert get_store().current() is pinned  # …but the request keeps reading the build it started with
        assert overview(get_store())["reports"] == 1
    assert client.get("/api/overview").get_json()["reports"] == 3  # the next request sees the new build
    assert re.search(r"<strong>3</strong><span>份报告", client.get("/").get_data(as_text=True))


def test_filters_travel_to_the_report_view_and_back(client, store):
    # a joint report: the filter on one institution must narrow its hits, not just the result list
    inst, q = "平湖市人民检察院", "案件"
    rid = "pinghu-court-procuratorate-2017-2021"
    everything = get_report(store, rid, q=q)["hits"]
    narrowed = get_report(store, rid, q=q, institutions=[inst])["hits"]
    assert narrowed and set(narrowed) < set(everything)
    theme = search(store, q, institutions=[inst])["hits"][0]["theme"]
    state = [("q", q), ("institution", inst), ("year", "2017-2021"), ("theme", theme)]
    both = get_report(store, rid, q=q, institutions=[inst], years=["2017-2021"], themes=[theme])["hits"]
    assert both and set(both) <= set(narrowed)
    html = get_html(client, "/search?" + urlencode(state))
    links = [a["href"] for a in tags(html, "a") if (a.get("href") or "").startswith("/report/")]
    assert links
    for href in links:
        parts = urlsplit(href)
        assert parse_qs(parts.query) == {"q": [q], "institution": [inst], "year": ["2017-2021"], "theme": [theme]}
    page = get_html(client, f"/report/{rid}?" + urlencode(state))
    back = tags(page, "nav", class_="crumbs")
    crumbs = re.search(r'<nav class="crumbs"[^>]*><a href="([^"]+)"', page).group(1)
    assert back and parse_qs(urlsplit(crumbs.replace("&amp;", "&")).query) == {
        "q": [q], "institution": [inst], "year": ["2017-2021"], "theme": [theme]}
    assert [d["id"] for d in tags(page, "div", class_="is-hit")] == [f"p{p}" for p in both]
    nexts = [a["href"] for a in tags(page, "a", rel="next")]
    assert nexts == [f"#p{p}" for p in both[1:]]
    assert f"本报告有 <strong>{len(both)}</strong> 段" in page
