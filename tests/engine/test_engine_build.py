"""Build + Store lifecycle on hand-made reports (real Whoosh indexes in tmp_path, in-process)."""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
from pathlib import Path

import pytest
from whoosh.query import Term

from indexer.export import iter_paragraphs
from indexer.index.build import build_reports, clean_leftovers
from indexer.index.store import (
    BUILDS,
    CURRENT,
    LOCK,
    IndexMissing,
    IndexStale,
    ReindexRunning,
    Store,
)
from indexer.model import Report
from indexer.search.engine import get_report
from tests.helpers.search import substring_ids, word_ids


def paragraph_count(reports: list[Report]) -> int:
    return sum(len(r.paragraphs) for r in reports)


def builds(root: Path) -> list[str]:
    return sorted(p.name for p in (root / BUILDS).iterdir())


def test_build_then_store_serves_it(tmp_path: Path, hand_reports: list[Report]) -> None:
    summary = build_reports(hand_reports, tmp_path, procs=1)
    assert summary.reports == 3 and summary.paragraphs == paragraph_count(hand_reports)
    opened = Store(tmp_path).current()
    assert opened.build_id == summary.build_id == (tmp_path / CURRENT).read_text().strip()
    meta = opened.meta
    assert meta["counts"] == {"reports": 3, "paragraphs": summary.paragraphs}
    assert [r["id"] for r in meta["reports"]] == ["fy-a", "fy-b", "jc-c"]
    assert set(meta["reports"][0]) >= {"id", "file", "title", "institution", "institutions", "years", "date",
                                       "source", "paragraphs"}
    assert meta["dictionary_fingerprint"] and meta["built_at"]
    assert len(word_ids(opened, "诉源治理")) >= 1
    # substring recall through the bigram field: "源治" is inside 诉源治理
    assert len(substring_ids(opened, "诉源治理")) >= 1
    with opened.searcher() as searcher:
        assert searcher.doc_count() == summary.paragraphs
        hit = searcher.search(Term("id", "fy-a-p1"))[0]
        assert hit["report"] == "fy-a" and hit["years"] == "2020" and hit["position"] == 1


def test_each_paragraph_stores_the_permalink_key_its_report_gives_it(tmp_path: Path, make_reports,
                                                                    seed_texts: list[str]) -> None:
    """Index format 6: the key a hit carries is stored by the build, and is the key the report view numbers itself
    (get_report, from the report's texts), repeats included, also when forked writers split a report."""
    a, b, c, d = seed_texts[:4]
    reports = make_reports({"fy-dup": [a, b, a, c, a + " ", d], "jc-dup": [b, d, b]})
    build_reports(reports, tmp_path, procs=3)
    store = Store(tmp_path)
    opened = store.current()
    assert len(opened.index.reader().leaf_readers()) == 3  # the reports span segments
    with opened.searcher() as searcher:
        stored = {(f["report"], f["position"]): f["permalink_key"] for f in searcher.all_stored_fields()}
    for report in reports:
        view = get_report(store, report.id)
        assert view is not None
        assert [f"/p/{report.id}/{stored[report.id, p['position']]}" for p in view["paragraphs"]] == \
            [p["permalink"] for p in view["paragraphs"]]
    keys = [stored["fy-dup", n] for n in range(1, 7)]
    assert keys[2] == keys[0] + "-2" and keys[4] == keys[0] + "-3"  # whitespace does not make a text new
    assert len(set(keys)) == 6 and stored["jc-dup", 3] == stored["jc-dup", 1] + "-2"


def test_same_reports_give_the_same_ids_twice(tmp_path: Path, hand_reports: list[Report]) -> None:
    build_reports(hand_reports, tmp_path / "one", procs=1)
    build_reports(hand_reports, tmp_path / "two", procs=1)
    first = list(iter_paragraphs(Store(tmp_path / "one")))
    second = list(iter_paragraphs(Store(tmp_path / "two")))
    assert [p["id"] for p in first] == [p["id"] for p in second]
    assert first == second


def test_export_shape_and_report_order(tmp_path: Path, hand_reports: list[Report]) -> None:
    build_reports(hand_reports, tmp_path, procs=2)
    exported = list(iter_paragraphs(Store(tmp_path)))
    expected = [p.to_dict() for r in hand_reports for p in r.paragraphs]
    assert exported == expected
    assert list(exported[0]) == ["id", "report", "title", "institution", "years", "theme", "section",
                                 "position", "text"]


def test_multiprocess_writer_loses_no_documents(tmp_path: Path, make_reports, seed_texts) -> None:
    # several hundred documents so both worker processes get batches
    reports = make_reports({f"r{k}": seed_texts for k in range(5)})
    total = paragraph_count(reports)
    assert total > 500
    summary = build_reports(reports, tmp_path, procs=2)
    assert summary.procs == 2
    opened = Store(tmp_path).current()
    with opened.searcher() as searcher:
        assert searcher.doc_count() == total
        assert len(list(searcher.reader().lexicon("id"))) == total
    assert [p["id"] for p in iter_paragraphs(Store(tmp_path))] == [p.id for r in reports for p in r.paragraphs]


def test_store_follows_a_new_build_and_keeps_the_previous(tmp_path: Path, make_reports) -> None:
    store = Store(tmp_path)
    build_reports(make_reports({"old": ["旧报告的段落，推进诉源治理工作。"]}), tmp_path, procs=1)
    first = store.current()
    assert store.current() is first  # cheap check, no reopen
    build_reports(make_reports({"new": ["新报告第一段，深化共享法庭建设。", "新报告第二段。"]}), tmp_path, procs=1)
    second = store.current()
    assert second.build_id != first.build_id
    with second.searcher() as searcher:
        assert searcher.doc_count() == 2
    assert len(word_ids(second, "共享法庭")) == 1
    # a request still holding the previous build keeps working: it is kept until the next switch
    assert len(word_ids(first, "诉源治理")) == 1
    build_reports(make_reports({"third": ["第三次构建。"]}), tmp_path, procs=1)
    third = store.current()
    assert builds(tmp_path) == sorted([second.build_id, third.build_id])


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="reportsearch reindex"):
        Store(tmp_path / "nothing").current()


def test_changed_dictionary_makes_the_index_stale(tmp_path: Path, hand_reports: list[Report]) -> None:
    build_reports(hand_reports, tmp_path / "ix", procs=1)
    other = tmp_path / "userdict.txt"
    other.write_text("理改革 n\n", encoding="utf-8")
    with pytest.raises(IndexStale, match="reindex required: the user dictionary changed"):
        Store(tmp_path / "ix", dictionary=other).current()


def test_a_build_of_an_older_index_format_says_reindex(tmp_path: Path, hand_reports: list[Report]) -> None:
    """A build of the previous format (5: one array file per segment) is refused, not searched."""
    from indexer.index.version import INDEX_FORMAT_VERSION

    summary = build_reports(hand_reports, tmp_path, procs=1)
    meta_path = tmp_path / BUILDS / summary.build_id / "build.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["format"] = INDEX_FORMAT_VERSION - 1
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    older, now = INDEX_FORMAT_VERSION - 1, INDEX_FORMAT_VERSION
    with pytest.raises(IndexStale, match=rf"format {older}.*reads {now}.*run `reportsearch reindex`"):
        Store(tmp_path).current()


# Whoosh 2.7.4's TOC reader leaves the file open when it fails to parse it (collected later, with a warning)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore:unclosed file:ResourceWarning")
@pytest.mark.parametrize("damage", ["truncated", "overwritten", "emptied", "removed"])
def test_damaged_build_is_stale_with_what_to_do(tmp_path: Path, hand_reports: list[Report], damage: str) -> None:
    summary = build_reports(hand_reports, tmp_path, procs=1)
    toc = next((tmp_path / BUILDS / summary.build_id).glob("*.toc"))
    if damage == "truncated":
        toc.write_bytes(toc.read_bytes()[:10])
    elif damage == "overwritten":
        toc.write_bytes(bytes(range(256)) * 2)
    elif damage == "emptied":
        toc.write_bytes(b"")
    else:
        toc.unlink()
    with pytest.raises(IndexStale, match="cannot be opened .*run `reportsearch reindex`") as info:
        Store(tmp_path).current()
    del info
    gc.collect()  # Whoosh's leaked handle is closed here, under this test's warning filter, not in a later test


def test_a_bug_while_opening_is_not_disguised_as_a_stale_index(tmp_path: Path, hand_reports: list[Report],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    build_reports(hand_reports, tmp_path, procs=1)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise AttributeError("a programming error")  # injected: what a bug in our code or a Whoosh upgrade raises

    monkeypatch.setattr("whoosh.filedb.filestore.FileStorage.open_index", broken)  # under open_dir and MappedStorage
    with pytest.raises(AttributeError, match="a programming error"):
        Store(tmp_path).current()


@pytest.mark.parametrize("phase", ["locked", "writing", "committed", "verified", "before-switch"])
@pytest.mark.parametrize("error", [RuntimeError("boom"), OSError(errno.ENOSPC, "No space left on device")])
def test_failure_mid_build_leaves_the_old_index(tmp_path: Path, make_reports, phase: str,
                                                error: Exception) -> None:
    old = build_reports(make_reports({"old": ["旧的段落，服判息诉率59.62%。"]}), tmp_path, procs=1)

    def fail(at: str) -> None:
        if at == phase:
            raise error

    new_reports = make_reports({"new": ["新的段落。"] * 3})
    with pytest.raises(type(error)):
        build_reports(new_reports, tmp_path, procs=1, checkpoint=fail)
    opened = Store(tmp_path).current()
    assert opened.build_id == old.build_id
    assert word_ids(opened, "59.62%") == ["old-p1"]
    assert builds(tmp_path) == [old.build_id]  # the failed build removed itself
    assert build_reports(new_reports, tmp_path, procs=1).paragraphs == 3


def test_leftovers_of_killed_builds_are_cleaned(tmp_path: Path, hand_reports: list[Report]) -> None:
    good = build_reports(hand_reports, tmp_path, procs=1)
    half = tmp_path / BUILDS / "20000101T000000000000-1"
    half.mkdir()
    (half / "MAIN_x.seg").write_bytes(b"partial")
    (tmp_path / f"{CURRENT}.999.tmp").write_text("20000101T000000000000-1\n")
    assert clean_leftovers(tmp_path) == ["20000101T000000000000-1", f"{CURRENT}.999.tmp"]
    assert builds(tmp_path) == [good.build_id]
    assert Store(tmp_path).current().build_id == good.build_id


def test_second_reindex_while_locked_is_refused(tmp_path: Path, hand_reports: list[Report]) -> None:
    tmp_path.mkdir(exist_ok=True)
    fd = os.open(tmp_path / LOCK, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, b"4242\n")
        with pytest.raises(ReindexRunning, match=r"another reindex is running \(pid 4242\)"):
            build_reports(hand_reports, tmp_path, procs=1)
    finally:
        os.close(fd)
    assert build_reports(hand_reports, tmp_path, procs=1).paragraphs == paragraph_count(hand_reports)


def test_build_json_lists_warnings_and_skipped(tmp_path: Path, hand_reports: list[Report]) -> None:
    from indexer.ingest.corpus import Skipped

    summary = build_reports(hand_reports, tmp_path, procs=1, warnings=["x.txt: no catalog entry"],
                            skipped=[Skipped(file="bad.txt", reason="undecodable bytes")])
    meta = json.loads((tmp_path / BUILDS / summary.build_id / "build.json").read_text(encoding="utf-8"))
    assert meta["warnings"] == ["x.txt: no catalog entry"]
    assert meta["skipped"] == [{"file": "bad.txt", "reason": "undecodable bytes"}]


def test_order_fields_are_columns_without_postings(tmp_path: Path, hand_reports: list[Report]) -> None:
    # issue 12: position/seq/report_order are read as stored values and columns, never searched by value;
    # index format 4: Whoosh indexes only the ID fields, the full-text fields and columns are posting arrays
    from indexer.search.evaluation.context import context

    build_reports(hand_reports, tmp_path, procs=2)
    paragraphs = [p for r in hand_reports for p in r.paragraphs]
    opened = Store(tmp_path).current()
    with opened.searcher() as searcher:
        reader = searcher.reader()
        assert {"position", "seq", "report_order"}.isdisjoint(reader.indexed_field_names())
        assert set(reader.indexed_field_names()) == {"id", "report"}
        by_seq = sorted(range(reader.doc_count_all()), key=lambda d: reader.stored_fields(d)["seq"])
        assert [reader.stored_fields(d)["id"] for d in by_seq] == [p.id for p in paragraphs]
    with opened.hold():
        ctx = context(opened)
        assert set(ctx.fields) == {"text", "section", "lead", "text_bi"}
        assert [int(ctx.position[d]) for d in by_seq] == [p.position for p in paragraphs]
