"""Trends on a generated multi-year, multi-institution corpus, checked against a direct count over the export."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.config import default_synonyms_path
from indexer.errors import BadRequest
from indexer.export import iter_paragraphs
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.features.trends import TrendArgumentError, trends
from indexer.search.language.synonyms import load_synonyms, parse_synonyms
from tests.helpers.trend_corpus import write_trend_corpus

# Quoted phrases are Ctrl-F exact and the unquoted 扫黑除恶 never occurs in part in the filler text, so a
# plain substring test over each exported paragraph is the direct count the engine must agree with.
TERMS = {'"诉源治理"': ("诉源治理",), "扫黑除恶": ("扫黑除恶",), '"枫桥经验" OR "扫黑除恶"': ("枫桥经验", "扫黑除恶")}


@pytest.fixture(scope="module")
def trend_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    base = tmp_path_factory.mktemp("trends")
    corpus = write_trend_corpus(base / "corpus")
    summary = build_index(corpus, base / "index", procs=1)
    assert not summary.skipped and summary.reports > 30
    return Store(base / "index")


@pytest.fixture(scope="module")
def exported(trend_store: Store) -> list[dict]:
    return list(iter_paragraphs(trend_store))


def direct(paragraphs: list[dict], needles: tuple[str, ...], institutions=(), themes=()) -> dict:
    """Counts straight from the exported paragraphs, with the documented rules."""
    kept = [p for p in paragraphs if (not institutions or p["institution"] in institutions)
            and (not themes or p["theme"] in themes)]
    per_year = Counter(y for p in kept for y in p["years"])
    hits = [p for p in kept if any(n in "".join(p["text"].split()) for n in needles)]
    counts = Counter(y for p in hits for y in p["years"])
    first: dict[str, int] = {}
    grid: Counter[tuple[str, int]] = Counter()
    for p in hits:
        for y in p["years"]:
            grid[p["institution"], y] += 1
            first[p["institution"]] = min(y, first.get(p["institution"], y))
    by_inst = Counter(p["institution"] for p in hits)
    order = sorted(by_inst, key=lambda i: (first[i], -by_inst[i], i))
    return {"per_year": per_year, "counts": counts, "total": len(hits), "grid": grid, "first": first,
            "by_inst": by_inst, "order": order}


def test_counts_and_per_1000_match_a_direct_count(trend_store: Store, exported: list[dict]) -> None:
    result = trends(trend_store, list(TERMS))
    expected_years = sorted({y for p in exported for y in p["years"]})
    assert result["years"] == expected_years and len(expected_years) >= 8
    for series, needles in zip(result["series"], TERMS.values()):
        want = direct(exported, needles)
        assert result["paragraphs"] == {str(y): want["per_year"][y] for y in expected_years}
        assert series["total"] == want["total"] > 0
        assert [p["year"] for p in series["by_year"]] == expected_years
        for point in series["by_year"]:
            y = point["year"]
            assert point["count"] == want["counts"][y]
            assert point["per_1000"] == pytest.approx(1000 * want["counts"][y] / want["per_year"][y], abs=5e-4)
    # the corpus has a range report, so the yearly counts add up to more than the distinct paragraphs
    first = result["series"][0]
    assert sum(p["count"] for p in first["by_year"]) > first["total"]
    # 扫黑除恶 is written only into 2018–2020 reports (and the reviews that cover those years)
    assert all(p["count"] == 0 for p in result["series"][1]["by_year"] if p["year"] < 2016)


def test_first_mention_order_and_grid_match_a_direct_count(trend_store: Store, exported: list[dict]) -> None:
    result = trends(trend_store, list(TERMS))
    for series, needles in zip(result["series"], TERMS.values()):
        want = direct(exported, needles)
        assert [e["institution"] for e in series["spread"]] == want["order"]
        for entry in series["spread"]:
            assert entry["first_year"] == want["first"][entry["institution"]]
            assert entry["paragraphs"] == want["by_inst"][entry["institution"]]
        grid = {(inst, int(y)): n for inst, row in series["grid"].items() for y, n in row.items()}
        assert grid == dict(want["grid"])
    spread = result["series"][0]["spread"]
    # the order is by first mention, not alphabetical or by volume: the test would notice either mistake
    assert [e["institution"] for e in spread] != sorted(e["institution"] for e in spread)
    assert [e["first_year"] for e in spread] == sorted(e["first_year"] for e in spread)
    assert "戊区人民法院" not in {e["institution"] for e in spread}  # the one that never says it


def test_filters_narrow_counts_and_denominators(trend_store: Store, exported: list[dict]) -> None:
    theme = Counter(p["theme"] for p in exported).most_common(1)[0][0]
    insts = ["甲市人民法院", "丁市人民检察院"]
    result = trends(trend_store, ['"诉源治理"'], institutions=insts, themes=[theme])
    want = direct(exported, ("诉源治理",), institutions=insts, themes=[theme])
    assert result["filters"] == {"institution": insts, "theme": [theme]}
    assert result["years"] == sorted(y for y, n in want["per_year"].items() if n)
    assert result["paragraphs"] == {str(y): want["per_year"][y] for y in result["years"]}
    series = result["series"][0]
    assert series["total"] == want["total"] > 0
    for point in series["by_year"]:
        assert point["count"] == want["counts"][point["year"]]
        assert point["per_1000"] == pytest.approx(1000 * want["counts"][point["year"]] / want["per_year"][point["year"]], abs=5e-4)
    assert {e["institution"] for e in series["spread"]} <= set(insts)


def test_counts_are_the_search_totals(trend_store: Store) -> None:
    result = trends(trend_store, ["诉源治理", '"扫黑除恶"'], themes=[])
    for series in result["series"]:
        assert series["total"] == search(trend_store, series["term"])["total"]
        for point in series["by_year"]:
            assert point["count"] == search(trend_store, series["term"], years=[str(point["year"])])["total"]
        inst = series["spread"][-1]["institution"]
        for y, n in series["grid"][inst].items():
            assert n == search(trend_store, series["term"], institutions=[inst], years=[y])["total"]


SYNONYMS = "扫黑除恶 => 枫桥经验\n"  # one-way: 扫黑除恶 also finds 枫桥经验, which occurs in other years too


def test_counts_are_the_search_totals_with_synonyms_and_without(trend_store: Store, exported: list[dict],
                                                                 tmp_path: Path) -> None:
    synonyms = parse_synonyms(SYNONYMS)
    expanded = trends(trend_store, ["扫黑除恶"], synonyms=synonyms)
    plain = trends(trend_store, ["扫黑除恶"], synonyms=synonyms, expand=False)
    for result, expand in ((expanded, True), (plain, False)):
        series = result["series"][0]
        assert result["expand"] is expand
        assert series["total"] == search(trend_store, "扫黑除恶", synonyms=synonyms, expand=expand)["total"]
        for point in series["by_year"]:
            assert point["count"] == search(trend_store, "扫黑除恶", years=[str(point["year"])], synonyms=synonyms,
                                            expand=expand)["total"]
    assert expanded["series"][0]["total"] == direct(exported, ("扫黑除恶", "枫桥经验"))["total"]
    assert plain["series"][0]["total"] == direct(exported, ("扫黑除恶",))["total"] < expanded["series"][0]["total"]
    assert expanded["series"][0]["expanded"] == {"扫黑除恶": ["枫桥经验"]}
    assert expanded["series"][0]["notice"] == "同时检索：枫桥经验（扫黑除恶）"
    assert plain["series"][0]["expanded"] == {} and plain["series"][0]["notice"] is None
    # the CLI reads the synonyms like `search`: --synonyms FILE, --no-expand
    path = tmp_path / "synonyms.txt"
    path.write_text(SYNONYMS, encoding="utf-8")
    root = str(trend_store.root)
    code, out = run(["扫黑除恶", "--synonyms", str(path), "--index", root, "--json"])
    assert code == 0 and json.loads(out) == json.loads(json.dumps(expanded))
    code, out = run(["扫黑除恶", "--synonyms", str(path), "--no-expand", "--index", root, "--json"])
    assert code == 0 and json.loads(out) == json.loads(json.dumps(plain))
    code, out = run(["扫黑除恶", "--synonyms", str(path), "--index", root])
    assert code == 0 and "同时检索：枫桥经验（扫黑除恶）" in out
    path.write_text("扫黑除恶 =>\n", encoding="utf-8")
    code, out = run(["扫黑除恶", "--synonyms", str(path), "--index", root, "--json"])
    assert code == 2 and json.loads(out)["status"] == 400 and "--no-expand" in json.loads(out)["error"]


@pytest.mark.parametrize(("terms", "kwargs", "message"), [
    ([], {}, "至少一个检索词"),
    (["诉源治理", "  "], {}, "第 2 个检索词是空的"),
    (["（）"], {}, "第 1 个检索词是空的"),
    (["a", "b", "c", "d", "e", "f"], {}, "最多比较 5 个"),
    ("诉源治理", {}, "文本列表"),
    (["诉源治理"], {"institutions": ["没有这个法院"]}, "未知机构：没有这个法院"),
    (["诉源治理"], {"themes": ["没有这个主题"]}, "未知主题：没有这个主题"),
])
def test_bad_requests_get_clear_errors(trend_store: Store, terms, kwargs, message) -> None:
    with pytest.raises(TrendArgumentError if "未知" not in message else BadRequest) as info:
        trends(trend_store, terms, **kwargs)
    assert message in str(info.value) and info.value.status == 400


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["trend", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout


def test_cli_json_is_the_library_result(trend_store: Store) -> None:
    code, out = run(['"诉源治理"', "扫黑除恶", "--institution", "甲市人民法院", "--index", str(trend_store.root), "--json"])
    assert code == 0
    bundled = load_synonyms(default_synonyms_path())  # the CLI's default, as for `search`
    want = trends(trend_store, ['"诉源治理"', "扫黑除恶"], institutions=["甲市人民法院"], synonyms=bundled)
    assert json.loads(out) == json.loads(json.dumps(want))


def test_cli_csv_by_year_and_by_institution(trend_store: Store) -> None:
    result = trends(trend_store, ["诉源治理", "枫桥经验"])
    code, out = run(["诉源治理", "枫桥经验", "--csv", "--index", str(trend_store.root)])
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["year", "paragraphs", "诉源治理 count", "诉源治理 per_1000", "枫桥经验 count", "枫桥经验 per_1000"]
    assert [int(r[0]) for r in rows[1:]] == result["years"]
    for row, a, b in zip(rows[1:], result["series"][0]["by_year"], result["series"][1]["by_year"]):
        got = (int(row[1]), int(row[2]), float(row[3]), int(row[4]))
        assert got == (result["paragraphs"][row[0]], a["count"], a["per_1000"], b["count"])
    code, out = run(["诉源治理", "--by", "institution", "--csv", "--index", str(trend_store.root)])
    rows = list(csv.reader(io.StringIO(out)))
    spread = result["series"][0]["spread"]
    assert code == 0 and [r[1] for r in rows[1:]] == [e["institution"] for e in spread]
    for row, entry in zip(rows[1:], spread):
        assert int(row[2]) == entry["first_year"] and int(row[3]) == entry["paragraphs"]
        assert sum(int(v) for v in row[4:]) == sum(result["series"][0]["grid"][entry["institution"]].values())
    code, out = run(["诉源治理", "--index", str(trend_store.root)])
    assert code == 0 and "跨年度报告计入其覆盖的每一年" in out and str(result["years"][0]) in out


def test_cli_errors(trend_store: Store, tmp_path: Path) -> None:
    root = str(trend_store.root)
    code, out = run(["a", "b", "c", "d", "e", "f", "--index", root, "--json"])
    assert code == 2 and json.loads(out) == {"error": "最多比较 5 个检索词（收到 6 个）", "status": 400}
    code, out = run(["--index", root, "--json"])
    assert code == 2 and "检索词" in json.loads(out)["error"]
    code, out = run(["诉源治理", "--theme", "没有", "--index", root, "--json"])
    assert code == 2 and "未知主题" in json.loads(out)["error"]
    result = CliRunner().invoke(cli, ["trend", "诉源治理", "--institution", "没有", "--index", root])
    assert result.exit_code == 2 and "未知机构" in result.output
    code, out = run(["诉源治理", "--index", str(tmp_path / "none"), "--json"])
    assert code == 1 and json.loads(out)["status"] == 503


def test_cli_csv_guards_terms_against_formula_injection(trend_store: Store) -> None:
    root = str(trend_store.root)
    code, out = run(["=1+1", "--csv", "--index", root])
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["year", "paragraphs", "'=1+1 count", "'=1+1 per_1000"]
    code, out = run(["@扫黑除恶", "--by", "institution", "--csv", "--index", root])
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and len(rows) > 1 and {r[0] for r in rows[1:]} == {"'@扫黑除恶"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
