"""Issue 22: build.json records when each report was added (`added`) and what it said (`content`); a report
keeps its time through incremental and full reindexes while its text stays the same."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from indexer.index.store import BUILDS, META, read_current, serving_meta
from indexer.index.update import Hooks, UpdateSummary, update_index

REPORT = "pinghu-court-2023"
FILE = "pinghu-court-2023.txt"


def reindex(corpus: Path, index: Path, mode: str) -> UpdateSummary:
    """An incremental reindex even of this small corpus (no merge for its deleted paragraphs), or a full one."""
    summary = update_index(corpus, index, full=mode == "full", hooks=Hooks(max_deleted_fraction=1.0))
    assert summary.mode == mode, summary.reason
    return summary


def added(index: Path) -> dict[str, str]:
    meta = serving_meta(index)
    assert meta is not None
    return {r["id"]: r["added"] for r in meta["reports"]}


def test_every_report_gets_the_build_time_once_and_keeps_it(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    before = dt.datetime.now(dt.timezone.utc)
    update_index(corpus, index)
    first = added(index)
    assert len(first) == 3 and len(set(first.values())) == 1  # one time for the build
    assert before <= dt.datetime.fromisoformat(next(iter(first.values()))) <= dt.datetime.now(dt.timezone.utc)
    assert all(len(r["content"]) == 64 for r in serving_meta(index)["reports"])  # type: ignore[index]
    reindex(corpus, index, "incremental")
    assert added(index) == first
    reindex(corpus, index, "full")
    assert added(index) == first


def test_changed_text_is_added_again_a_catalog_edit_is_not(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    first = added(index)
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("平湖市人民法院工作报告（2023年）", "平湖法院报告（2023年）"),
                       encoding="utf-8")
    assert reindex(corpus, index, "incremental").changed == [REPORT]
    assert added(index) == first  # a new title, the same text
    reindex(corpus, index, "full")
    assert added(index) == first
    path = corpus / FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n本院新增一段关于共享法庭的工作情况说明。\n", encoding="utf-8")
    assert reindex(corpus, index, "incremental").changed == [REPORT]
    second = added(index)
    assert second[REPORT] > first[REPORT] and {k: v for k, v in second.items() if k != REPORT} == \
        {k: v for k, v in first.items() if k != REPORT}
    reindex(corpus, index, "full")
    assert added(index) == second  # a full reindex keeps them too
    path.write_text(path.read_text(encoding="utf-8").replace("共享法庭的工作情况", "共享法庭的情况"), encoding="utf-8")
    reindex(corpus, index, "full")
    third = added(index)
    assert third[REPORT] > second[REPORT] and {k: v for k, v in third.items() if k != REPORT} == \
        {k: v for k, v in first.items() if k != REPORT}


def test_a_removed_report_put_back_is_new(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    first = added(index)
    kept = (corpus / FILE).read_bytes()
    (corpus / FILE).unlink()
    assert reindex(corpus, index, "incremental").removed == [REPORT]
    (corpus / FILE).write_bytes(kept)
    assert reindex(corpus, index, "incremental").added == [REPORT]
    assert added(index)[REPORT] > first[REPORT]


def test_a_build_from_before_the_field_lends_its_build_time(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    path = index / BUILDS / read_current(index) / META  # a build.json as builds before issue 22 wrote it
    meta = json.loads(path.read_text(encoding="utf-8"))
    for r in meta["reports"]:
        del r["added"], r["content"]
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    reindex(corpus, index, "incremental")
    assert set(added(index).values()) == {meta["built_at"]}
    reindex(corpus, index, "full")  # trusted by fingerprint where there is no content digest yet
    assert set(added(index).values()) == {meta["built_at"]}
