"""One year syntax and one set of limits (indexer/limits.py): the engine, the API, the page and the CLI agree."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.limits import MAX_FILTER_VALUES, MAX_YEAR_SPAN, YearError, parse_year_span
from indexer.search.engine import SearchArgumentError, search
from indexer.search.language.query import Filter, parse
from tests.helpers.errors import assert_error_document, assert_json_error

# every spelling of 2017-2021 a person types: ASCII, 至, full-width digits and dash, wave dash, spaces, 年
RANGE_SPELLINGS = ["2017-2021", "2017至2021", "２０１７－２０２１", "2017 ～ 2021年", "2017—2021", "2017~2021"]
BAD_YEARS = ["abc", "20199", "2021-2017", f"1900-{1901 + MAX_YEAR_SPAN}", "2019-", "٢٠١٩"]


def cli_json(store, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["search", "案件", "--index", str(store.root), "--json", *args])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("value", RANGE_SPELLINGS + ["2019", "２０１９", " 2019年 "])
def test_a_year_value_means_the_same_everywhere(client, store, value):
    first, last = parse_year_span(value)
    canonical = str(first) if first == last else f"{first}-{last}"
    expected = search(store, "案件", years=[canonical])
    assert expected["total"] > 0
    assert search(store, "案件", years=[value])["total"] == expected["total"]
    api = client.get("/api/search?" + urlencode({"q": "案件", "year": value}))
    assert api.status_code == 200 and api.get_json()["total"] == expected["total"]
    assert [h["id"] for h in api.get_json()["hits"]] == [h["id"] for h in expected["hits"]]
    assert client.get("/search?" + urlencode({"q": "案件", "year": value})).status_code == 200
    code, doc = cli_json(store, "--year", value)
    assert code == 0 and doc["total"] == expected["total"]
    assert parse("year:" + "".join(value.split())).tree == Filter("year", canonical)  # a space ends a query term


@pytest.mark.parametrize("value", BAD_YEARS)
def test_a_bad_year_is_refused_the_same_way_everywhere(client, store, value):
    with pytest.raises(YearError) as info:
        parse_year_span(value)
    with pytest.raises(SearchArgumentError) as engine:
        search(store, "案件", years=[value])
    assert str(engine.value) == str(info.value)
    assert assert_json_error(client.get("/api/search?" + urlencode({"q": "案件", "year": value})), 400) == str(info.value)
    page = client.get("/search?" + urlencode({"q": "案件", "year": value}))
    assert page.status_code == 400 and str(info.value)[:10] in page.get_data(as_text=True)
    code, doc = cli_json(store, "--year", value)
    assert code == 2 and assert_error_document(doc, 400) == str(info.value)


def test_the_year_span_cap_is_the_same_for_filters_and_queries(store):
    wide_ok = f"1970-{1970 + MAX_YEAR_SPAN}"
    too_wide = f"1970-{1971 + MAX_YEAR_SPAN}"
    assert search(store, "案件", years=[wide_ok])["total"] >= 0
    assert parse(f"year:{wide_ok}").tree == Filter("year", wide_ok)
    with pytest.raises(SearchArgumentError):
        search(store, "案件", years=[too_wide])
    parsed = parse(f"year:{too_wide}")
    assert not isinstance(parsed.tree, Filter) and str(MAX_YEAR_SPAN) in parsed.notice()


def test_a_reversed_range_is_forgiven_only_inside_a_query():
    assert parse("year:2021-2017").tree == Filter("year", "2017-2021")
    assert parse_year_span("2021-2017", ordered=False) == (2017, 2021)


def test_the_filter_value_cap_is_the_same_for_engine_api_and_cli(client, store):
    ok = [str(2000 + i) for i in range(MAX_FILTER_VALUES)]
    over = ok + ["2099"]
    assert search(store, "案件", years=ok)["total"] > 0
    with pytest.raises(SearchArgumentError):
        search(store, "案件", years=over)
    assert client.get("/api/search?" + urlencode([("q", "案件")] + [("year", y) for y in ok])).status_code == 200
    assert_json_error(client.get("/api/search?" + urlencode([("q", "案件")] + [("year", y) for y in over])), 400)
    code, doc = cli_json(store, *[a for y in over for a in ("--year", y)])
    assert code == 2 and assert_error_document(doc, 400)
