"""`reportsearch figures`: --json is the library's document, --csv one line per statement, the filters, and the
search's error and exit rule (JSON errors with --json, exit 2 for bad arguments, 1 without an index)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.features.figures import CSV_COLUMNS, figures
from tests.helpers.figure_corpus import INSTITUTION, write_figure_corpus


@pytest.fixture(scope="module")
def figure_index(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> Path:
    corpus = write_figure_corpus(repo_corpus, tmp_path_factory.mktemp("figure-corpus") / "corpus")
    root = tmp_path_factory.mktemp("figure-index")
    build_index(corpus, root)
    return root


def run(index: Path, *args: str):
    return CliRunner().invoke(cli, ["figures", "--index", str(index), *args])


def test_json_is_the_library_document_with_the_conflict_side_by_side(figure_index: Path) -> None:
    result = run(figure_index, "--metric", "cases_received", "--institution", INSTITUTION, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc == figures(Store(figure_index), metric="cases_received", institutions=[INSTITUTION])
    assert doc["metric_id"] == "cases_received" and doc["metric_label"] == "收案" and not doc["truncated"]
    by_years = {tuple(r["years"]): r for r in doc["rows"]}
    row = by_years[(2021,)]
    assert row["conflict"] is True and doc["conflicts"] == 1
    assert [(f["value"], f["paragraph"]) for f in row["figures"]] == [
        (12000, "hubin-court-2017-2021-p1"), (11800, "hubin-court-2021-p1")]
    assert by_years[(2020,)]["figures"][0]["value"] == 10400 and not by_years[(2020,)]["conflict"]


def test_label_and_id_select_the_same_metric_and_a_phrase_reaches_unmapped_figures(figure_index: Path) -> None:
    by_label = json.loads(run(figure_index, "--metric", "结案率", "--json").output)
    by_id = json.loads(run(figure_index, "--metric", "clearance_rate", "--json").output)
    assert by_label["rows"] == by_id["rows"] and by_id["total"] > 0
    assert all(r["metric"] == "clearance_rate" for r in by_id["rows"])
    phrase = json.loads(run(figure_index, "--metric", "诉前化解纠纷", "--json").output)
    assert phrase["metric_id"] is None and phrase["total"] >= 1
    assert all(not r["canonical"] and "诉前化解纠纷" in r["metric"] for r in phrase["rows"])


def test_year_and_institution_filters(figure_index: Path) -> None:
    doc = json.loads(run(figure_index, "--year", "2020", "--json").output)
    assert doc["year"] == "2020" and doc["total"] > 0
    assert all(r["years"][0] <= 2020 <= r["years"][-1] for r in doc["rows"])
    everything = json.loads(run(figure_index, "--json").output)
    assert doc["total"] < everything["total"]
    one = json.loads(run(figure_index, "--institution", INSTITUTION, "--year", "2021", "--json").output)
    assert {r["institution"] for r in one["rows"]} == {INSTITUTION}
    assert all(2021 in range(r["years"][0], r["years"][-1] + 1) for r in one["rows"])


def test_csv_has_one_line_per_statement(figure_index: Path) -> None:
    doc = json.loads(run(figure_index, "--institution", INSTITUTION, "--json").output)
    result = run(figure_index, "--institution", INSTITUTION, "--csv")
    assert result.exit_code == 0
    lines = list(csv.reader(io.StringIO(result.output)))
    assert tuple(lines[0]) == CSV_COLUMNS and len(lines) - 1 == doc["figures"]
    cells = [dict(zip(CSV_COLUMNS, line)) for line in lines[1:]]
    conflicting = [c for c in cells if c["conflict"] == "True"]
    assert sorted(c["value"] for c in conflicting) == ["11800", "12000"]
    assert all(c["metric"] == "cases_received" and c["years"] == "2021" for c in conflicting)


def test_text_lists_every_statement_and_flags_the_conflict(figure_index: Path) -> None:
    result = run(figure_index, "--metric", "收案", "--institution", INSTITUTION)
    assert result.exit_code == 0
    assert "数值不一致" in result.output
    assert "hubin-court-2017-2021-p1" in result.output and "hubin-court-2021-p1" in result.output
    assert "12,000件" in result.output and "11,800件" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "去年"], "年份"),
    (["--institution", "没有这个法院"], "未知机构"),
    (["--metric", "x" * 101], "指标过长"),
    (["--csv"], "--json 与 --csv"),
    (["--bogus"], "--bogus"),
])
def test_bad_arguments_exit_2_with_a_json_error(figure_index: Path, args: list[str], message: str) -> None:
    result = run(figure_index, *args, "--json")
    assert result.exit_code == 2
    doc = json.loads(result.output)
    assert set(doc) == {"error", "status"} and doc["status"] == 400 and message in doc["error"]
    plain = run(figure_index, *[a for a in args if a != "--csv"] or ["--year", "去年"])
    assert plain.exit_code == 2 and "Traceback" not in plain.output


def test_no_index_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path / "none", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["status"] == 503
    assert run(tmp_path / "none").exit_code == 1
