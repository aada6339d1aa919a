"""Figures in real builds: a full build of the bundled corpus carries them, an incremental add / change / remove
keeps them equal to a full rebuild's, a changed metrics file rebuilds in full, and the query keeps conflicting
statements side by side."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bench.figure_labels import load_labels, score_canonical, score_triples
from indexer.compiled import extractor_kind
from indexer.export import iter_paragraphs
from indexer.figures.catalog import CATALOG_FILE, METRICS_FILE, read_catalog
from indexer.figures.extract import paragraph_figures, paragraph_rows
from indexer.figures.model import Figure
from indexer.figures.query import query_build, select
from indexer.figures.store import FIGURES_DIR, FigureWriter, line_encoder, read_figures, report_file
from indexer.index.store import BUILDS, META, Store, read_current
from indexer.index.update import Hooks, update_index
from indexer.ingest.corpus import load_corpus
from indexer.limits import YearError
from indexer.model import Paragraph
from tests.helpers.adding import new_report

FIVE = (2017, 2018, 2019, 2020, 2021)


def current(index: Path) -> tuple[Path, dict]:
    build = index / BUILDS / read_current(index)
    return build, json.loads((build / META).read_text(encoding="utf-8"))


def figures_of(index: Path) -> list[dict]:
    build, meta = current(index)
    return [f.to_dict() for f in read_figures(build, meta)]


def full_rebuild(corpus: Path, tmp_path: Path) -> list[dict]:
    index = tmp_path / "full-index"
    shutil.rmtree(index, ignore_errors=True)
    assert update_index(corpus, index, full=True).mode == "full"
    return figures_of(index)


@pytest.fixture()
def corpus(tmp_path: Path, repo_corpus: Path) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(repo_corpus, copy)
    return copy


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory, repo_corpus: Path) -> Path:
    corpus = tmp_path_factory.mktemp("bundled") / "corpus"
    shutil.copytree(repo_corpus, corpus)
    index = corpus.parent / "index"
    assert update_index(corpus, index).mode == "full"
    return index


def test_a_build_of_the_bundled_corpus_has_the_figures(bundled_index: Path, repo_corpus: Path, table) -> None:
    build, meta = current(bundled_index)
    stored = list(read_figures(build, meta))
    direct = [f for r in load_corpus(repo_corpus).reports for p in r.paragraphs for f in paragraph_figures(p, table)]
    assert stored == direct and len(stored) > 150
    assert meta["figures"]["count"] == len(stored)
    assert sum(meta["figures"]["per_report"].values()) == len(stored)
    assert meta["figures"]["extractor"] == extractor_kind()  # compiled by the install, or its source
    assert sorted(p.name for p in (build / FIGURES_DIR).iterdir()) == sorted(
        [CATALOG_FILE, METRICS_FILE, *(report_file(r["id"]) for r in meta["reports"])])
    labels = load_labels()
    assert score_triples([f.to_dict() for f in stored], labels).recall >= 0.95
    assert score_canonical([f.to_dict() for f in stored], labels).precision >= 0.98
    texts = {p["id"]: p for p in iter_paragraphs(Store(bundled_index))}
    for f in stored:  # every value links to the sentence it came from
        paragraph = texts[f.paragraph]
        assert paragraph["text"][f.sentence_start:f.sentence_end] == f.sentence
        assert paragraph["text"][f.start:f.end] == f.span
        assert (f.report, f.institution) == (paragraph["report"], paragraph["institution"])
    received = [f for f in stored if f.paragraph == "jiaxing-intermediate-court-2020-p2" and f.canonical == "cases_received"]
    assert [(f.metric, f.value, f.unit, f.years) for f in received] == [("新收各类案件", 109000, "件", (2020,))]


def test_incremental_add_change_remove_keep_the_figures_of_a_full_rebuild(corpus: Path, tmp_path: Path,
                                                                           repo_corpus: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    first, first_meta = current(index)

    new_report(repo_corpus, corpus, "haiyan-court-2024.txt", "海盐县", 2024)
    added = update_index(corpus, index)
    assert added.mode == "incremental" and added.added == ["haiyan-court-2024"]
    second, second_meta = current(index)
    for record in first_meta["reports"]:  # reused reports: the previous build's file, hard-linked, not re-extracted
        name = report_file(record["id"])
        assert (second / FIGURES_DIR / name).stat().st_ino == (first / FIGURES_DIR / name).stat().st_ino
    new = [f for f in figures_of(index) if f["report"] == "haiyan-court-2024"]
    assert new and {f["institution"] for f in new} == {"海盐县人民法院"} and {tuple(f["years"]) for f in new} == {(2024,)}
    assert figures_of(index) == full_rebuild(corpus, tmp_path)

    path = corpus / "haiyan-court-2024.txt"  # changed: its figures are extracted again
    path.write_text(path.read_text(encoding="utf-8").replace("8598件", "8600件"), encoding="utf-8")
    lenient = Hooks(max_deleted_fraction=0.9)  # this small corpus: keep deletions instead of merging
    changed = update_index(corpus, index, hooks=lenient)
    assert changed.mode == "incremental" and changed.changed == ["haiyan-court-2024"]
    values = {f["value"] for f in figures_of(index) if f["report"] == "haiyan-court-2024"}
    assert 8600 in values and 8598 not in values
    assert figures_of(index) == full_rebuild(corpus, tmp_path)

    (corpus / "jiaxing-intermediate-court-2020.txt").unlink()  # removed: its figures go with it
    removed = update_index(corpus, index, hooks=lenient)
    assert removed.mode == "incremental" and removed.removed == ["jiaxing-intermediate-court-2020"]
    assert not any(f["report"] == "jiaxing-intermediate-court-2020" for f in figures_of(index))
    build, meta = current(index)
    assert not (build / FIGURES_DIR / report_file("jiaxing-intermediate-court-2020")).exists()
    assert meta["figures"]["count"] == len(figures_of(index))
    assert figures_of(index) == full_rebuild(corpus, tmp_path)


def test_a_changed_metrics_file_or_a_build_without_figures_rebuilds_in_full(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    build, meta = current(index)
    meta["figures"]["fingerprint"] = "0" * 64  # what a build made with another metrics.toml records
    (build / META).write_text(json.dumps(meta), encoding="utf-8")
    again = update_index(corpus, index)
    assert again.mode == "full" and again.reason == "the figure metrics changed"
    build, meta = current(index)
    del meta["figures"]  # a build from before figures existed
    (build / META).write_text(json.dumps(meta), encoding="utf-8")
    third = update_index(corpus, index)
    assert third.mode == "full" and third.reason == "the previous build has no figures"
    assert figures_of(index)


def test_a_full_build_in_two_writer_processes_writes_the_figures_of_one(corpus: Path, tmp_path: Path) -> None:
    """The writers extract the figures alongside their segments: the same files, byte for byte, as one writer."""
    one, two = tmp_path / "one", tmp_path / "two"
    update_index(corpus, one, full=True, procs=1)
    update_index(corpus, two, full=True, procs=2)
    (build_one, meta_one), (build_two, meta_two) = current(one), current(two)
    assert (meta_one["procs"], meta_two["procs"]) == (1, 2)

    def files(build: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (build / FIGURES_DIR).iterdir()}
    assert files(build_two) == files(build_one) and len(files(build_one)) == len(meta_one["reports"]) + 2  # + catalog
    assert meta_two["figures"]["per_report"] == meta_one["figures"]["per_report"]
    assert meta_two["figures"]["count"] == meta_one["figures"]["count"] > 150
    assert meta_two["figures"]["cpu_seconds"] > 0


def test_each_report_is_written_by_the_writer_holding_its_first_paragraph(repo_corpus: Path, tmp_path: Path,
                                                                          table) -> None:
    reports = load_corpus(repo_corpus).reports
    total = sum(len(r.paragraphs) for r in reports)
    cut = len(reports[0].paragraphs) // 2  # the first report starts in the first slice and goes on in the second
    writer = FigureWriter(tmp_path, reports, table)
    first, second = writer.run(0, cut), writer.run(cut, total)
    assert list(first[0]) == [reports[0].id]
    assert list(second[0]) == [r.id for r in reports[1:]]
    writer.collect([first, second])
    record = writer.record()
    assert record["per_report"] == {r.id: len([f for p in r.paragraphs for f in paragraph_figures(p, table)])
                                    for r in reports}
    assert sorted(p.name for p in (tmp_path / FIGURES_DIR).iterdir()) == sorted(
        [CATALOG_FILE, METRICS_FILE, *(report_file(r.id) for r in reports)])
    assert set(read_catalog(tmp_path / FIGURES_DIR) or {}) == {r.id for r in reports}


def test_the_line_encoder_writes_what_json_writes(seed_paragraphs_by_id, table) -> None:
    encode, plain = line_encoder(), json.JSONEncoder(ensure_ascii=False).encode
    rows = [row for p in seed_paragraphs_by_id.values() for row in paragraph_rows(p, table)]
    odd = ("引号“”\"\\\n\u2028\ud800", 1.5, -0.0, 1e300, 10**30, None, True, False, (2020, 2021), (), "")
    assert len(rows) > 150 and all(encode(row) == plain(row) for row in [*rows, odd])
    with pytest.raises(TypeError):
        encode((object(),))


def test_the_query_filters_by_metric_institution_and_year(bundled_index: Path, table) -> None:
    build, meta = current(bundled_index)
    rows = query_build(build, meta, metric="cases_concluded", institutions=["嘉兴市中级人民法院"], year="2020", table=table)
    assert rows and all(r.metric == "cases_concluded" and r.institution == "嘉兴市中级人民法院" and 2020 in r.years
                        for r in rows)
    whole = [r for r in rows if r.scope == "" and r.unit == "件"]
    assert [(f.value, f.paragraph) for r in whole for f in r.figures] == [(112000, "jiaxing-intermediate-court-2020-p2")]
    assert {r.metric for r in query_build(build, meta, metric="结案率", table=table)} == {"clearance_rate"}  # by label
    phrase = query_build(build, meta, metric="执行到位", table=table)  # any other text: the phrase contains it
    assert phrase and all("执行到位" in f.metric for r in phrase for f in r.figures)
    assert all(2019 in r.years for r in query_build(build, meta, year="2019", table=table))  # only the five-year review
    with pytest.raises(YearError):
        query_build(build, meta, year="去年", table=table)


def test_conflicting_statements_stay_side_by_side(table) -> None:
    review = Paragraph(report="review-2017-2021", position=3, text="民间借贷纠纷案件收案量从2017年的2422件下降到2021年的736件。",
                       section="", institution="平湖市人民法院", years=FIVE, title="五年回顾", theme="")
    annual = Paragraph(report="annual-2021", position=5, text="全年新收民间借贷纠纷案件740件。", section="",
                       institution="平湖市人民法院", years=(2021,), title="2021年报告", theme="")
    figures: list[Figure] = paragraph_figures(review, table) + paragraph_figures(annual, table)
    rows = select(figures, table, metric="cases_received", year="2021")
    assert len(rows) == 1
    row = rows[0]
    assert (row.institution, row.years, row.unit, row.scope) == ("平湖市人民法院", (2021,), "件", "民间借贷纠纷")
    assert [(f.value, f.paragraph) for f in row.figures] == [(736, "review-2017-2021-p3"), (740, "annual-2021-p5")]
    assert row.conflict and row.to_dict()["conflict"] is True


def test_a_figures_file_is_read_by_its_header_whatever_fields_it_names(bundled_index: Path, tmp_path: Path) -> None:
    """Files this code writes are read positionally; a file of another build (its fields in another order, one
    more, one fewer) is read by the names its header gives, to the same figures."""
    build, meta = current(bundled_index)
    report = meta["reports"][0]["id"]
    stored = list(read_figures(build, meta, [report]))
    assert len(stored) > 10
    names = [n for n in reversed(Figure.__dataclass_fields__) if n != "canonical"] + ["added_later"]
    folder = tmp_path / FIGURES_DIR
    folder.mkdir()
    lines = [json.dumps({"fields": names})]
    for f in stored:
        d = {**f.to_dict(), "added_later": 1}
        lines.append(json.dumps([d[n] for n in names], ensure_ascii=False))
    (folder / report_file(report)).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(read_figures(tmp_path, meta, [report])) == [replace(f, canonical=None) for f in stored]
