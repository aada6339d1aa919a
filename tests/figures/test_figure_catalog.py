"""The figures catalog (indexer/figures/catalog.py) narrows which reports' files a query reads, never its answer:
query_build with the catalog gives exactly what select() gives over every figure of the build, for every kind of
filter, on a generated corpus of many reports; full and incremental builds write the same catalog; a build
without one, or with a damaged one, is read whole."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from bench.generate import generate_corpus
from indexer.figures.catalog import (
    CATALOG_FILE,
    METRICS_FILE,
    SEPARATOR,
    may_match,
    read_catalog,
    read_entries,
    report_entry,
    with_phrase,
)
from indexer.figures.model import FIELD_NAMES
from indexer.figures.query import query_build, select
from indexer.figures.store import FIGURES_DIR, read_figures, report_file
from indexer.index.store import BUILDS, META, read_current
from indexer.index.update import update_index
from tests.helpers.adding import new_report


def current(index: Path) -> tuple[Path, dict]:
    build = index / BUILDS / read_current(index)
    return build, json.loads((build / META).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index): 1,500 generated paragraphs in many reports, built in full."""
    base = tmp_path_factory.mktemp("catalog")
    generate_corpus(1_500, base / "corpus", seed=31)
    assert update_index(base / "corpus", base / "index").mode == "full"
    return base / "corpus", base / "index"


def rows_by_report(build: Path, meta: dict) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for f in read_figures(build, meta):
        out.setdefault(f.report, []).append(tuple(getattr(f, name) for name in FIELD_NAMES))
    return out


def test_the_catalog_describes_every_report_file(generated) -> None:
    build, meta = current(generated[1])
    entries = read_entries(build / FIGURES_DIR)
    stored = rows_by_report(build, meta)
    assert entries is not None and len(stored) > 20
    assert entries == {rid: report_entry(rows) for rid, rows in stored.items()}
    assert set(read_catalog(build / FIGURES_DIR)) == set(meta["figures"]["per_report"])
    assert sorted(p.name for p in (build / FIGURES_DIR).iterdir()) == sorted(
        [CATALOG_FILE, METRICS_FILE, *(report_file(rid) for rid in stored)])


def filter_cases(build: Path, meta: dict, table) -> list[dict]:
    """Every canonical metric by id and by label, phrases of the build's own figures (whole and in part), words no
    figure has, each institution, years and spans, and random combinations of them."""
    figures = list(read_figures(build, meta))
    rng = random.Random(5)
    phrases = sorted({f.metric for f in figures})
    metrics: list[str | None] = [None, *(m.id for m in table.metrics), *(m.label for m in table.metrics),
                                 *rng.sample(phrases, 15), *(p[1:4] for p in rng.sample(phrases, 15)),
                                 "没有这个指标", "“", "案件", " 审结 "]
    institutions = sorted({f.institution for f in figures})
    years = sorted({y for f in figures for y in f.years})
    spans = [None, str(years[0]), str(years[len(years) // 2]), f"{years[0]}-{years[2]}", f"{years[-1]}-{years[-1] + 3}",
             "1990-1995"]
    cases = [{"metric": m} for m in metrics] + [{"institutions": [i]} for i in institutions[:12]]
    cases += [{"year": y} for y in spans] + [{"canonical_only": True}, {"institutions": institutions[:3]}]
    for _ in range(60):
        cases.append({"metric": rng.choice(metrics), "institutions": rng.sample(institutions, rng.randint(0, 2)),
                      "year": rng.choice(spans), "canonical_only": rng.random() < 0.2})
    return cases


def test_a_query_with_the_catalog_answers_what_reading_every_file_answers(generated, table) -> None:
    build, meta = current(generated[1])
    everything = list(read_figures(build, meta))
    cases = filter_cases(build, meta, table)
    narrowed = 0
    for case in cases:
        with_catalog = query_build(build, meta, table=table, **case)
        assert with_catalog == select(everything, table, **case), case
        narrowed += bool(with_catalog) and case.get("metric") is not None
    assert narrowed > 20  # the cases find figures, not only empty answers
    catalog = read_catalog(build / FIGURES_DIR)
    assert catalog is not None
    rare = max(next(iter(read_entries(build / FIGURES_DIR).values()))["metrics"].split(SEPARATOR), key=len)
    phrased = with_phrase(build / FIGURES_DIR, catalog, rare)
    assert phrased is not None and 0 < len(phrased) < len(catalog)  # a query reads fewer files than there are
    one = next(iter(catalog.values()))["institutions"][0]
    assert 0 < sum(may_match(e, canonical_id=None, institutions={one}, span=None, canonical_only=False)
                   for e in catalog.values()) < len(catalog)


def test_incremental_builds_carry_the_catalog_and_one_without_a_catalog_is_read_whole(generated, tmp_path, table,
                                                                                    repo_corpus) -> None:
    corpus, index = (Path(shutil.copytree(p, tmp_path / p.name)) for p in generated)
    previous, _ = current(index)
    (previous / FIGURES_DIR / CATALOG_FILE).unlink()  # a build from before the catalog: entries made from its files
    new_report(repo_corpus, corpus, "haiyan-court-2024.txt", place="海盐县", year=2024)
    assert update_index(corpus, index).mode == "incremental"
    build, meta = current(index)
    entries = read_entries(build / FIGURES_DIR)
    assert entries == {rid: report_entry(rows) for rid, rows in rows_by_report(build, meta).items()}
    assert any(e["institutions"] == ["海盐县人民法院"] for e in entries.values())
    # the next incremental build carries the entries over from this build's catalog
    new_report(repo_corpus, corpus, "haining-court-2022.txt", place="海宁市", year=2022)
    assert update_index(corpus, index).mode == "incremental"
    build, meta = current(index)
    assert read_entries(build / FIGURES_DIR) == {rid: report_entry(rows) for rid, rows in rows_by_report(build, meta).items()}
    everything = list(read_figures(build, meta))
    (build / FIGURES_DIR / METRICS_FILE).write_text("", encoding="utf-8")  # damaged: phrase queries read every file
    for case in ({"metric": "受理"}, {"metric": "批准逮捕"}, {"metric": "审结", "year": "2022"}):
        assert query_build(build, meta, table=table, **case) == select(everything, table, **case)
    assert read_entries(build / FIGURES_DIR) is None
    (build / FIGURES_DIR / CATALOG_FILE).write_text("{not json", encoding="utf-8")
    assert read_catalog(build / FIGURES_DIR) is None
    assert query_build(build, meta, table=table, metric="结案率") == select(everything, table, metric="结案率")
