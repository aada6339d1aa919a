"""load_corpus: the bundled corpus, metadata and parts, ids, and every hostile-file case reported by name."""

from __future__ import annotations

import os

import pytest

from indexer.ingest.corpus import CorpusError, load_corpus, report_id
from indexer.model import Report

ENTRY = '[[report]]\nfile = "{file}"\ntitle = "{title}"\ninstitution = "海宁市人民法院"\nyear = 2023\n\n'
GOOD = "## 一、服务大局\n\n审结涉企案件100件，同比上升5%。\n\n## 二、司法为民\n\n发放司法救助金20万元。\n"


def by_id(load) -> dict[str, Report]:
    return {r.id: r for r in load.reports}


def reasons(load) -> dict[str, str]:
    return {s.file: s.reason for s in load.skipped}


# ---------------------------------------------------------------- the bundled corpus


def test_bundled_corpus_loads_cleanly(seed_load):
    assert seed_load.warnings == [] and seed_load.skipped == []
    assert [r.id for r in seed_load.reports] == [
        "jiaxing-intermediate-court-2020", "pinghu-court-2023", "pinghu-court-procuratorate-2017-2021"]
    assert [len(r.paragraphs) for r in seed_load.reports] == [27, 38, 38]


def test_paragraph_ids_positions_and_metadata(seed_load):
    for report in seed_load.reports:
        assert [p.position for p in report.paragraphs] == list(range(1, len(report.paragraphs) + 1))
        assert all(p.id == f"{report.id}-p{p.position}" and p.title == report.title for p in report.paragraphs)
        assert all(p.years == report.years for p in report.paragraphs)
    jx = by_id(seed_load)["jiaxing-intermediate-court-2020"]
    assert (jx.institution, jx.years, jx.date, jx.file) == ("嘉兴市中级人民法院", (2020,), "2021-02-06", jx.file)


def test_part_switch_changes_institution(seed_load):
    report = by_id(seed_load)["pinghu-court-procuratorate-2017-2021"]
    assert report.institutions == ("平湖市人民法院", "平湖市人民检察院")
    first = next(p for p in report.paragraphs if p.institution == "平湖市人民检察院")
    assert first.text.startswith("2017年以来，市检察院") and first.position == 19
    assert all(p.institution == "平湖市人民检察院" for p in report.paragraphs[18:])
    assert all(p.institution == "平湖市人民法院" for p in report.paragraphs[:18])
    assert all(p.years == (2017, 2018, 2019, 2020, 2021) for p in report.paragraphs)


def test_sections_and_leads_reach_the_paragraphs(seed_load):
    report = by_id(seed_load)["pinghu-court-2023"]
    p = next(p for p in report.paragraphs if p.text.startswith("全力兑现胜诉权益"))
    assert p.section == "践行为民宗旨,坚定守护人民群众高品质生活" and p.lead == "全力兑现胜诉权益。"
    assert p.theme == "司法为民"
    assert not any(p.section == "强化民生权益保障" for r in seed_load.reports for p in r.paragraphs)


def test_loading_is_deterministic(repo_corpus, seed_load):
    again = load_corpus(repo_corpus)
    assert [p for r in again.reports for p in r.paragraphs] == [p for r in seed_load.reports for p in r.paragraphs]


# ---------------------------------------------------------------- metadata without a catalog entry


def test_file_without_entry_is_indexed_with_detected_metadata(make_corpus, repo_corpus):
    root = make_corpus(seeds=True, files={"extra/jx-copy.txt": (repo_corpus / "jiaxing-intermediate-court-2020.txt").read_bytes()})
    load = load_corpus(root)
    report = by_id(load)["jx-copy"]
    assert report.institution == "嘉兴市中级人民法院" and report.years == (2020,) and len(report.paragraphs) == 27
    assert load.skipped == []
    assert any(w.startswith("extra/jx-copy.txt: no entry in catalog.toml") and "嘉兴市中级人民法院" in w for w in load.warnings)


def test_range_years_detected_from_text(make_corpus, repo_corpus):
    root = make_corpus(files={"five.txt": (repo_corpus / "pinghu-court-procuratorate-2017-2021.txt").read_bytes()})
    report = load_corpus(root).reports[0]
    assert report.years == (2017, 2018, 2019, 2020, 2021) and report.institution == "平湖市人民法院"


def test_undetectable_metadata_falls_back_to_unknown_and_file_name(make_corpus):
    root = make_corpus(catalog="", files={"notes-2019.txt": "今年工作很多，成绩很好。\n\n明年继续努力。\n"})
    load = load_corpus(root)
    report = load.reports[0]
    assert report.institution == "未知机构" and report.years == (2019,)
    assert any("notes-2019.txt" in w and "未知机构" in w for w in load.warnings)


# ---------------------------------------------------------------- hostile files


def test_hostile_corpus_reports_each_problem_by_name(make_corpus, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD, encoding="utf-8")
    catalog = ENTRY.format(file="good.txt", title="好报告") + ENTRY.format(file="gone.txt", title="不存在的报告")
    root = make_corpus(catalog=catalog, files={
        "good.txt": GOOD,
        "bad-bytes.txt": GOOD.encode() + b"\xff\xfe" + "审结案件五件。\n".encode() * 30,
        "garbage.txt": b"\x80" * 2000,
        "binary.pdf": b"%PDF-1.7\n\x00\x01\x02 stream",
        "empty.txt": b"",
        "blank.txt": "\n \u3000\n",
        "huge.txt": "审结案件。\n".encode() * 300,
        "sub/good.md": GOOD,  # id "good" again
        "script.html": "<p>审结案件十件。</p><script>alert('x')</script><style>p{}</style>",
        ".hidden.txt": GOOD,
        "README.md": "# notes\n",
    })
    os.symlink(outside, root / "escape.txt")
    load = load_corpus(root, max_bytes=3000)
    why = reasons(load)
    assert set(by_id(load)) == {"good", "bad-bytes", "script"}
    assert "does not exist" in why["gone.txt"] and "不存在的报告" in why["gone.txt"]
    assert "mostly undecodable" in why["garbage.txt"]
    assert "not a readable PDF" in why["binary.pdf"]
    assert why["empty.txt"] == "empty" and why["blank.txt"] == "empty"
    assert "3,000-byte limit" in why["huge.txt"]
    assert "already used by good.txt" in why["sub/good.md"]
    assert "outside the corpus folder" in why["escape.txt"]
    assert set(why) == {"gone.txt", "garbage.txt", "binary.pdf", "empty.txt", "blank.txt", "huge.txt", "sub/good.md", "escape.txt"}
    assert any(w.startswith("bad-bytes.txt: 2 undecodable") for w in load.warnings)
    assert [p.text for p in by_id(load)["script"].paragraphs] == ["审结案件十件。"]


def test_a_fifty_megabyte_file_is_skipped_without_reading_it(make_corpus):
    root = make_corpus(catalog="", files={"ok.txt": GOOD})
    with open(root / "big.txt", "wb") as f:
        f.truncate(50 * 2**20)  # sparse: the size is real, nothing is read
    load = load_corpus(root)
    assert "20,971,520-byte limit" in reasons(load)["big.txt"] and [r.id for r in load.reports] == ["ok"]


def test_catalog_syntax_error_still_indexes_everything(make_corpus):
    root = make_corpus(seeds=True)
    text = (root / "catalog.toml").read_text(encoding="utf-8").replace('year = 2023', 'year = 2023 2024', 1)
    (root / "catalog.toml").write_text(text, encoding="utf-8")
    load = load_corpus(root)
    assert len(load.reports) == 3
    (entry,) = load.skipped
    assert entry.file == "catalog.toml" and "line 16" in entry.reason and "syntax error" in entry.reason
    assert sum("catalog.toml could not be read" in w for w in load.warnings) == 3


def test_an_invalid_entry_is_skipped_by_name_and_its_file_still_indexed(make_corpus):
    catalog = '[[report]]\nfile = "a.txt"\ninstitution = "海宁市人民法院"\nyear = 2023\n'
    load = load_corpus(make_corpus(catalog=catalog, files={"a.txt": GOOD}))
    assert "missing title" in reasons(load)["catalog.toml"] and "a.txt" in reasons(load)["catalog.toml"]
    assert [r.id for r in load.reports] == ["a"]


def test_part_that_never_starts_is_a_warning(make_corpus):
    catalog = ENTRY.format(file="a.txt", title="T") + '[[report.part]]\ninstitution = "海宁市人民检察院"\nstarts_with = "检察工作"\n'
    load = load_corpus(make_corpus(catalog=catalog, files={"a.txt": GOOD}))
    assert any("a.txt: no paragraph starts with '检察工作'" in w for w in load.warnings)
    assert load.reports[0].institutions == ("海宁市人民法院",)


def test_declared_gbk_and_long_paragraph_split(make_corpus):
    long = "审结案件一百件，" * 300 + "成效明显。" + "执结案件二百件。" * 400
    catalog = ENTRY.format(file="gbk.txt", title="T").replace("year = 2023", 'year = 2023\nencoding = "gbk"')
    load = load_corpus(make_corpus(catalog=catalog, files={"gbk.txt": long.encode("gbk")}))
    paras = load.reports[0].paragraphs
    assert len(paras) > 1 and all(len(p.text) <= 4000 for p in paras)
    assert "".join(p.text for p in paras) == long
    assert all(p.text.endswith("。") for p in paras)


def test_unreadable_corpus_raises(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CorpusError):
        load_corpus(tmp_path / "file")


@pytest.mark.parametrize(
    "rel, rid",
    [("a/pinghu-court-2023.txt", "pinghu-court-2023"), ("平湖 法院 2023.txt", "平湖-法院-2023"),
     ("x?y#z.txt", "x-y-z"), ("v1.2.txt", "v1.2"), ("%%%.txt", None), ("noext", "noext")],
)
def test_report_ids_are_url_safe(rel, rid):
    got = report_id(rel)
    assert got == rid if rid else got.startswith("report-")
    assert all(c.isalnum() or c in "._-" for c in got) and got not in (".", "..")
