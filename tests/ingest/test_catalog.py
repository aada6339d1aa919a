"""catalog.toml: the bundled catalog, its format, and errors that name the file, the line or the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.catalog import (
    CatalogEntry,
    CatalogError,
    Part,
    load_catalog,
    parse_years,
    read_catalog,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_catalog(repo_corpus):
    entries = {e.file: e for e in load_catalog(repo_corpus / "catalog.toml")}
    assert entries["jiaxing-intermediate-court-2020.txt"].years == (2020,)
    assert entries["jiaxing-intermediate-court-2020.txt"].date == "2021-02-06"
    five = entries["pinghu-court-procuratorate-2017-2021.txt"]
    assert five.years == (2017, 2018, 2019, 2020, 2021) and five.institution == "平湖市人民法院"
    assert five.parts == (Part("平湖市人民检察院", "2017年以来，市检察院"),)


def test_optional_fields_and_unquoted_date(tmp_path):
    path = write(tmp_path, '[[report]]\nfile = "a.txt"\ntitle = "T"\ninstitution = "I"\nyear = "2019"\n'
                           'date = 2020-01-05\nsource = "S"\nencoding = "gbk"\n')
    assert load_catalog(path) == [CatalogEntry("a.txt", "T", "I", (2019,), "2020-01-05", "S", "gbk")]


@pytest.mark.parametrize(
    "value, years",
    [(2020, (2020,)), ("2017-2021", tuple(range(2017, 2022))), ("2017—2021年", tuple(range(2017, 2022))), ("2023", (2023,))],
)
def test_years(value, years):
    assert parse_years(value) == years


@pytest.mark.parametrize("value", ["2021-2017", "twenty", 20, True, "1800", "2000-2080"])
def test_bad_years(value):
    with pytest.raises(ValueError):
        parse_years(value)


def test_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, '[[report]]\nfile = "a.txt"\ntitle = 平湖\ninstitution = "I"\n')
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    message = str(info.value)
    assert str(path) in message and "line 3" in message


@pytest.mark.parametrize(
    "body, fragment",
    [('file = "b.txt"\ninstitution = "I"\nyear = 2020\n', "missing title"),
     ('file = "b.txt"\ntitle = "T"\nyear = 2020\n', "missing institution"),
     ('title = "T"\ninstitution = "I"\nyear = 2020\n', "missing file"),
     ('file = "b.txt"\ntitle = "T"\ninstitution = "I"\nyear = "20x0"\n', "year must be"),
     ('file = "b.txt"\ntitle = "T"\ninstitution = "I"\n', "missing year"),
     ('file = "b.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\ntitel = "x"\n', "unknown key"),
     ('file = "../b.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\n', "inside the corpus"),
     ('file = "b.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\nencoding = "klingon"\n', "unknown encoding"),
     ('file = "b.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\n[[report.part]]\ninstitution = "J"\n', "starts_with")],
)
def test_validation_errors_name_the_entry(tmp_path, body, fragment):
    good = '[[report]]\nfile = "a.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\n\n'
    path = write(tmp_path, good + "[[report]]\n" + body)
    result = read_catalog(path)
    assert [e.file for e in result.entries] == ["a.txt"]  # the good entry is still usable
    assert len(result.errors) == 1
    assert "[[report]] #2" in result.errors[0] and "line 7" in result.errors[0] and fragment in result.errors[0]
    with pytest.raises(CatalogError, match=fragment):
        load_catalog(path)


def test_duplicate_entries_for_one_file(tmp_path):
    entry = '[[report]]\nfile = "a.txt"\ntitle = "T"\ninstitution = "I"\nyear = 2020\n'
    result = read_catalog(write(tmp_path, entry + entry))
    assert len(result.entries) == 1 and "already described by [[report]] #1" in result.errors[0]


def test_missing_catalog(tmp_path):
    with pytest.raises(CatalogError, match="no such catalog"):
        load_catalog(tmp_path / "catalog.toml")
