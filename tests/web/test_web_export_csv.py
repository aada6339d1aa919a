"""One CSV writer: `reportsearch export --format csv` and the web's /export.csv write the same cells, guarded."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.export import FIELDS, RANKED_FIELDS, csv_cell
from webapp import create_app

FORMULA_FILE = "formula-report-2023.txt"
FORMULA_TEXT = """# 公式注入测试报告

## 一、公式审判

=HYPERLINK("http://example.invalid","点我")本院审结公式案件一百件。

@SUM(1+1)本院公式执行案件五十件，继续推进。

+86 本院公式调解案件二十件，效果良好。

公式普通段落，没有任何需要防护的开头。
"""


@pytest.fixture(scope="module")
def formula_index(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> Path:
    """The bundled corpus plus a report whose paragraphs start like spreadsheet formulas."""
    from indexer.index.build import build_index

    corpus = tmp_path_factory.mktemp("formula") / "corpus"
    shutil.copytree(repo_corpus, corpus)
    (corpus / FORMULA_FILE).write_text(FORMULA_TEXT, encoding="utf-8")
    with (corpus / "catalog.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[report]]\nfile = "{FORMULA_FILE}"\ntitle = "=公式注入测试报告"\n'
                 'institution = "公式市人民法院"\nyear = "2022-2023"\n')
    root = tmp_path_factory.mktemp("formula-index")
    build_index(corpus, root)
    return root


def test_csv_cell_guards_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(start + "1+1") == "'" + start + "1+1"
    assert csv_cell("本院审结案件") == "本院审结案件" and csv_cell(12) == "12"
    assert csv_cell([2017, 2018]) == "2017;2018"


def test_cli_and_web_export_write_the_same_guarded_cells(formula_index: Path, repo_corpus: Path):
    result = CliRunner().invoke(cli, ["export", "--index", str(formula_index), "--format", "csv"])
    assert result.exit_code == 0, result.output
    cli_rows = list(csv.reader(io.StringIO(result.output)))
    assert tuple(cli_rows[0]) == FIELDS
    by_id = {row[0]: row for row in cli_rows[1:]}

    client = create_app({"TESTING": True, "INDEX_DIR": formula_index, "CORPUS_DIR": repo_corpus}).test_client()
    response = client.get("/export.csv?q=公式")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    web_rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(web_rows[0]) == RANKED_FIELDS
    assert len(web_rows) > 4
    for row in web_rows[1:]:
        web = dict(zip(RANKED_FIELDS, row))
        assert [web[c] for c in FIELDS] == by_id[web["id"]]  # the same cells, column for column

    formula_rows = [r for r in cli_rows[1:] if r[1] == "formula-report-2023"]
    texts = [dict(zip(FIELDS, r))["text"] for r in formula_rows]
    assert any(t.startswith("'=HYPERLINK(") for t in texts)
    assert any(t.startswith("'@SUM(") for t in texts)
    assert any(t.startswith("'+86") for t in texts)
    assert any(t.startswith("公式普通段落") for t in texts)  # plain text is left alone
    assert all(dict(zip(FIELDS, r))["title"] == "'=公式注入测试报告" for r in formula_rows)
    assert all(dict(zip(FIELDS, r))["years"] == "2022;2023" for r in formula_rows)
    web_formula = [dict(zip(RANKED_FIELDS, r)) for r in web_rows[1:] if r[2] == "formula-report-2023"]
    assert {w["text"] for w in web_formula} == set(texts)
