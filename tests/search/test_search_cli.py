"""`reportsearch search`: exit codes, one UTF-8 JSON document, errors as {"error": …, "status": …}, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.cli import cli
from indexer.index.store import Store
from tests.helpers.errors import assert_error_document
from tests.helpers.search import MALFORMED


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["search", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout


def test_json_document_and_exit_zero(fixture_store: Store) -> None:
    code, out = run(["诉源治理", "--index", str(fixture_store.root), "--json"])
    assert code == 0
    doc = json.loads(out)
    assert doc["total"] >= 1 and doc["hits"][0]["snippet"].count("<mark>") >= 1
    assert "诉源治理" in out  # UTF-8, not \\u-escaped
    code, out = run(["不存在的词语组合xyz", "--index", str(fixture_store.root), "--json"])
    assert code == 0 and json.loads(out)["total"] == 0


def test_filters_and_paging_options(fixture_store: Store) -> None:
    root = str(fixture_store.root)
    code, out = run(["改革", "--institution", "乙市人民检察院", "--year", "2017-2021", "--year", "2019",
                     "--per-page", "2", "--page", "1", "--index", root, "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["per_page"] == 2 and len(doc["hits"]) <= 2
    assert all(h["institution"] == "乙市人民检察院" for h in doc["hits"])


def test_bad_arguments_exit_2_with_error_json(fixture_store: Store) -> None:
    root = str(fixture_store.root)
    for bad in (["--page", "0"], ["--page", "-3"], ["--per-page", "0"], ["--per-page", "101"], ["--year", "abc"],
                ["--page", "abc"], ["--no-such-option"]):
        code, out = run(["改革", *bad, "--index", root, "--json"])
        assert code == 2, bad
        assert_error_document(json.loads(out), 400)


def test_unknown_theme_or_institution_exits_2_naming_the_choices(fixture_store: Store) -> None:
    from indexer.search.engine import facet_values

    root = str(fixture_store.root)
    known = facet_values(fixture_store)
    assert known["institution"] and known["theme"] and known["year"]
    code, out = run(["改革", "--theme", "不存在", "--index", root, "--json"])
    assert code == 2
    message = json.loads(out)["error"]
    assert message.startswith("未知主题：不存在（可选：") and all(t in message for t in known["theme"])
    code, out = run(["改革", "--institution", "不存在法院", "--index", root, "--json"])
    assert code == 2 and json.loads(out)["error"].startswith("未知机构：不存在法院（可选：")
    code, out = run(["改革", "--institution", "不存在法院", "--index", root])
    assert code == 2
    code, out = run(["改革", "--institution", known["institution"][0], "--theme", known["theme"][0],
                     "--year", "1990", "--index", root, "--json"])
    assert code == 0 and json.loads(out)["total"] == 0  # a valid year without reports is not unknown


def test_usage_errors_are_json_wherever_json_stands(fixture_store: Store) -> None:
    root = str(fixture_store.root)
    for argv in (["改革", "--index", root, "--json", "--bogus"],  # error after --json
                 ["--json", "改革", "--page", "x"],
                 ["法院", "诉源", "--index", root, "--json"]):  # an extra argument
        code, out = run(argv)
        assert code == 2, argv
        assert_error_document(json.loads(out), 400)


def test_human_output(fixture_store: Store) -> None:
    code, out = run(["诉源治理", "--index", str(fixture_store.root)])
    assert code == 0
    assert "共 " in out and "【诉源治理】" in out and "<mark>" not in out


def test_no_hits_prints_did_you_mean(fixture_store: Store) -> None:
    code, out = run(["诉原治理", "--index", str(fixture_store.root)])
    assert code == 0 and "共 0 条结果" in out
    line = next(x for x in out.splitlines() if x.startswith("您是不是要找："))
    expected = run(["诉源治理", "--index", str(fixture_store.root), "--json"])[1]
    assert f"诉源治理（{json.loads(expected)['total']} 条）" in line
    code, out = run(["诉原治理", "--index", str(fixture_store.root), "--json"])
    assert json.loads(out)["did_you_mean"][0] == {"query": "诉源治理", "total": json.loads(expected)["total"]}
    assert "您是不是要找" not in run(["诉源治理", "--index", str(fixture_store.root)])[1]


def test_missing_index_says_run_reindex(tmp_path: Path) -> None:
    code, out = run(["改革", "--index", str(tmp_path / "none"), "--json"])
    assert code == 1 and "reportsearch reindex" in assert_error_document(json.loads(out), 503)
    result = CliRunner().invoke(cli, ["search", "改革", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "reportsearch reindex" in result.output


def test_real_subprocess_prints_utf8_json(fixture_store: Store) -> None:
    proc = subprocess.run([sys.executable, "-c", "from webapp.cli import main; main()", "search", '"息事罢讼',
                           "--index", str(fixture_store.root), "--json"],
                          capture_output=True, env={"PATH": "/usr/bin:/bin", "LANG": "C"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout.decode("utf-8"))
    assert doc["notice"].startswith("引号未闭合") and doc["total"] >= 1


def test_malformed_queries_through_the_cli(fixture_store: Store) -> None:
    for q in MALFORMED:
        if "\x00" in q or "\ud800" in q:
            continue  # not passable as a process argument; covered by the API tests
        code, out = run(["--index", str(fixture_store.root), "--json", "--", q])
        assert code == 0, q
        assert isinstance(json.loads(out)["total"], int)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
       page=st.one_of(st.integers(-5, 10**7).map(str), st.text(max_size=5)),
       per_page=st.one_of(st.integers(-5, 200).map(str), st.text(max_size=4)),
       year=st.one_of(st.none(), st.sampled_from(["2019", "2017-2021", "abc", "", "2021-2017", "9999"])))
def test_cli_property_never_a_traceback(fixture_store: Store, q: str, page: str, per_page: str,
                                        year: str | None) -> None:
    args = ["--index", str(fixture_store.root), "--json", "--page", page, "--per-page", per_page]
    if year is not None:
        args += ["--year", year]
    code, out = run([*args, "--", q])
    doc = json.loads(out)
    if code == 0:
        assert {"query", "notice", "total", "page", "per_page", "hits", "facets", "expand", "expanded",
                    "partial_matches", "did_you_mean"} == set(doc)
    else:
        assert code == 2
        assert_error_document(doc, 400)


def test_no_expand_searches_the_users_words_only(fixture_store: Store) -> None:
    root = str(fixture_store.root)
    code, out = run(["认罪认罚从宽制度", "--index", root, "--json"])
    expanded = json.loads(out)
    assert code == 0 and expanded["expand"] is True and "认罪认罚" in expanded["expanded"]["认罪认罚从宽制度"]
    assert expanded["notice"].startswith("同时检索：") and expanded["total"] == 1
    code, out = run(["认罪认罚从宽制度", "--index", root, "--json", "--no-expand"])
    plain = json.loads(out)
    assert code == 0 and plain["expand"] is False and plain["expanded"] == {} and plain["notice"] is None
    assert plain["total"] == 0  # the fixture says 认罪认罚 … 从宽, never 制度 in that paragraph
    code, out = run(["认罪认罚从宽制度", "--index", root])
    assert "提示：同时检索：" in out


def test_a_malformed_synonyms_file_is_named_with_its_line(fixture_store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "syn.txt"
    bad.write_text("电诈, 电信网络诈骗\n\n电诈 => => 诈骗\n", encoding="utf-8")
    code, out = run(["电诈", "--index", str(fixture_store.root), "--synonyms", str(bad), "--json"])
    assert code == 2 and f"{bad}:3:" in json.loads(out)["error"]
    code, out = run(["电诈", "--index", str(fixture_store.root), "--synonyms", str(bad), "--json", "--no-expand"])
    assert code == 0 and json.loads(out)["total"] == 0


def test_partial_matches_are_labelled_in_the_terminal(fixture_store: Store) -> None:
    code, out = run(["认罪认罚 量子", "--index", str(fixture_store.root), "--no-expand"])
    assert code == 0 and "共 0 条结果" in out and "（部分匹配，缺少：量子）" in out
