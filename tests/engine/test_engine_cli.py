"""`reportsearch reindex` and `reportsearch export` through click's CliRunner and a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import cli
from indexer.index.store import Store
from tests.helpers import REPO_ROOT


def reportsearch(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real console entry point in a new process."""
    cmd = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=timeout, cwd=REPO_ROOT,
                          env=env)


def test_reindex_summary_and_export(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "index"
    result = CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "indexed 3 reports" in result.output
    meta = Store(index).current().meta
    paragraphs = meta["counts"]["paragraphs"]
    assert paragraphs > 50
    assert f"{paragraphs} paragraphs" in result.output
    for name in ("jiaxing-intermediate-court-2020.txt", "pinghu-court-2023.txt"):
        assert name in result.output

    exported = CliRunner().invoke(cli, ["export", "--index", str(index)])
    assert exported.exit_code == 0, exported.output
    lines = exported.output.splitlines()
    assert len(lines) == paragraphs
    rows = [json.loads(line) for line in lines]
    assert "\\u" not in exported.output and "法院" in exported.output  # UTF-8, not ASCII-escaped
    assert list(rows[0]) == ["id", "report", "title", "institution", "years", "theme", "section", "position",
                             "text"]
    # report order: reports as in build.json, positions 1..n within each
    order = [r["id"] for r in meta["reports"]]
    assert [r["report"] for r in rows] == sorted((r["report"] for r in rows), key=order.index)
    for report in order:
        positions = [r["position"] for r in rows if r["report"] == report]
        assert positions == list(range(1, len(positions) + 1))
    assert all(isinstance(y, int) for r in rows for y in r["years"])
    range_rows = [r for r in rows if len(r["years"]) > 1]
    assert range_rows and range_rows[0]["years"] == [2017, 2018, 2019, 2020, 2021]

    as_csv = CliRunner().invoke(cli, ["export", "--index", str(index), "--format", "csv"])
    assert as_csv.exit_code == 0
    table = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(table) == paragraphs
    assert list(table[0]) == list(rows[0])
    assert [t["id"] for t in table] == [r["id"] for r in rows]
    assert "2017;2018;2019;2020;2021" in {t["years"] for t in table}


def test_reindex_twice_gives_the_same_ids(tmp_path: Path, corpus: Path) -> None:
    runner = CliRunner()
    exports = []
    for name in ("a", "b"):
        assert runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(tmp_path / name)]).exit_code == 0
        exports.append(runner.invoke(cli, ["export", "--index", str(tmp_path / name)]).output)
    assert exports[0] == exports[1]


def test_export_without_index_says_run_reindex(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "reportsearch reindex" in result.output
    assert "Traceback" not in result.output


def test_a_new_report_is_indexed_without_code_change(tmp_path: Path, corpus: Path) -> None:
    (corpus / "haiyan-procuratorate-2022.txt").write_text(
        "# 海盐县人民检察院工作报告\n\n"
        "2022年，全院坚持少捕慎诉慎押，办理公益诉讼案件58件，制发检察建议31份，"
        "认罪认罚从宽制度适用率达93.5%。\n\n"
        "深化府院联动，推进诉源治理，司法救助困难群众46人。\n",
        encoding="utf-8",
    )
    with open(corpus / "catalog.toml", "a", encoding="utf-8") as catalog:
        catalog.write('\n[[report]]\nfile = "haiyan-procuratorate-2022.txt"\n'
                      'title = "海盐县人民检察院工作报告（2022年）"\ninstitution = "海盐县人民检察院"\nyear = 2022\n')
    index = tmp_path / "index"
    result = CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "indexed 4 reports" in result.output
    rows = [json.loads(line) for line in
            CliRunner().invoke(cli, ["export", "--index", str(index)]).output.splitlines()]
    new = [r for r in rows if r["institution"] == "海盐县人民检察院"]
    assert new and all(r["years"] == [2022] for r in new)
    assert any("93.5%" in r["text"] for r in new)


def test_reindex_reports_a_skipped_file_and_exits_1(tmp_path: Path, corpus: Path) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary \x00" * 50)
    result = CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1, result.output
    assert "skipped" in result.output and "broken.txt" in result.output
    assert "indexed 3 reports" in result.output


def test_reindex_of_an_unreadable_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["reindex", "--corpus", str(tmp_path / "no-such-dir"),
                                      "--index", str(tmp_path / "ix")])
    assert result.exit_code == 2
    assert "Error:" in result.output and "no-such-dir" in result.output
    assert "Traceback" not in result.output


def test_an_empty_corpus_never_replaces_a_good_index(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    before = (index / "CURRENT").read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["reindex", "--corpus", str(empty), "--index", str(index)])
    assert result.exit_code == 2
    assert "no paragraph could be indexed" in result.output and "nothing was changed" in result.output
    assert (index / "CURRENT").read_text() == before
    found = CliRunner().invoke(cli, ["search", "法院", "--index", str(index), "--json"])
    assert found.exit_code == 0 and json.loads(found.output)["total"] > 0


def test_reindex_and_export_in_a_real_subprocess(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "index"
    done = reportsearch("reindex", "--corpus", str(corpus), "--index", str(index))
    assert done.returncode == 0, done.stderr
    assert "indexed 3 reports" in done.stdout
    assert "Building prefix dict" not in done.stderr  # jieba's logging stays quiet
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 20)
    skipped = reportsearch("reindex", "--corpus", str(corpus), "--index", str(index))
    assert skipped.returncode == 1, skipped.stderr
    assert "junk.txt" in skipped.stdout
    exported = reportsearch("export", "--index", str(index))
    assert exported.returncode == 0
    assert len(exported.stdout.splitlines()) == Store(index).current().meta["counts"]["paragraphs"]
    missing = reportsearch("export", "--index", str(tmp_path / "none"))
    assert missing.returncode == 1 and "reportsearch reindex" in missing.stderr
