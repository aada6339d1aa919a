"""Incremental reindex: only what changed is parsed and written, and readers see what a full rebuild gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from indexer.export import iter_paragraphs
from indexer.index.store import BUILDS, META, Store, read_current
from indexer.index.update import Hooks, update_index
from indexer.search.engine import get_report, search
from tests.helpers.adding import new_report

QUERIES = ["法院", "诉源治理", "海盐县", "检察", "\"公正与效率\"", "案件 -调解", "执行 OR 审判", "年", ""]
FILTERS = [{}, {"institutions": ["海盐县人民法院"]}, {"years": ["2024"]}]


def results(index: Path, *, scores: bool = True) -> dict:
    """Everything a reader sees: search pages (hits without docnums), reports, export.

    scores=False leaves BM25F scores out: while a build keeps deleted paragraphs (after a change or a
    removal, until the next merge), Whoosh's document frequencies and average lengths still count them.
    """
    store = Store(index)
    seen: dict = {"export": list(iter_paragraphs(store))}
    for q in QUERIES:
        for filters in FILTERS:
            got = search(store, q, per_page=100, **filters)
            # Ties in score are ordered by docnum (internal); compare each score's hits as a set.
            hits = sorted(json.dumps({k: v for k, v in h.items() if scores or k != "score"}, ensure_ascii=False,
                                     sort_keys=True) for h in got["hits"])
            ranked = [h["score"] for h in got["hits"]]
            assert ranked == sorted(ranked, reverse=True)
            seen[f"{q}|{filters}"] = (got["total"], got["facets"], got["notice"], hits)
    for rid in sorted({p["report"] for p in seen["export"]}):
        seen[f"report {rid}"] = get_report(store, rid, q="法院")
    store.close()
    return seen


def full_rebuild(corpus: Path, tmp_path: Path, *, scores: bool = True) -> dict:
    index = tmp_path / "full-index"
    shutil.rmtree(index, ignore_errors=True)
    assert update_index(corpus, index, full=True).mode == "full"
    return results(index, scores=scores)


def segment_inodes(index: Path) -> dict[str, int]:
    build = index / BUILDS / read_current(index)
    return {p.name: p.stat().st_ino for p in build.iterdir() if p.name.startswith("MAIN_")}


def test_add_change_remove_match_a_full_rebuild(corpus: Path, tmp_path: Path, repo_corpus: Path) -> None:
    index = tmp_path / "index"
    first = update_index(corpus, index)
    assert first.mode == "full" and first.reason == "no previous build"
    before = segment_inodes(index)

    # added: a report that sorts between the existing ones (corpus order is by file path)
    new_report(repo_corpus, corpus, "haiyan-court-2024.txt", "海盐县", 2024)
    added = update_index(corpus, index)
    assert added.mode == "incremental"
    assert (added.added, added.changed, added.removed) == (["haiyan-court-2024"], [], [])
    assert added.build.report_files == ["haiyan-court-2024.txt"]  # only the new file was parsed
    after = segment_inodes(index)
    assert set(before.items()) <= set(after.items())  # the old segment is reused: same inode, hard-linked
    assert len(after) == len(before) + 1
    assert results(index) == full_rebuild(corpus, tmp_path)

    # changed: new bytes for one file, and another catalog entry for another
    path = corpus / "haiyan-court-2024.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("海盐县", "海宁市"), encoding="utf-8")
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'title = "平湖市人民法院工作报告（2023年）"', 'title = "平湖市人民法院2023年工作报告"'), encoding="utf-8")
    lenient = Hooks(max_deleted_fraction=0.9)  # this small corpus: keep the deletions instead of merging
    changed = update_index(corpus, index, hooks=lenient)
    assert changed.mode == "incremental"
    assert (changed.added, changed.changed, changed.removed) == ([], ["haiyan-court-2024", "pinghu-court-2023"], [])
    assert results(index, scores=False) == full_rebuild(corpus, tmp_path, scores=False)
    assert search(Store(index), "海盐县")["total"] == 0

    # removed
    (corpus / "jiaxing-intermediate-court-2020.txt").unlink()
    removed = update_index(corpus, index, hooks=lenient)
    assert removed.mode == "incremental"
    assert removed.removed == ["jiaxing-intermediate-court-2020"]
    assert results(index, scores=False) == full_rebuild(corpus, tmp_path, scores=False)
    assert get_report(Store(index), "jiaxing-intermediate-court-2020") is None


def test_paragraph_ids_stay_stable(corpus: Path, tmp_path: Path, repo_corpus: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    ids = [p["id"] for p in iter_paragraphs(Store(index))]
    new_report(repo_corpus, corpus, "aaa-first-2024.txt", "海盐县", 2024)  # sorts first: before every old report
    update_index(corpus, index)
    now = [p["id"] for p in iter_paragraphs(Store(index))]
    assert now[: len(now) - len(ids)][0].startswith("aaa-first-2024-p1")
    assert now[len(now) - len(ids):] == ids  # old paragraphs keep their ids (and their order after the new one)


def test_a_dictionary_or_format_change_rebuilds_everything(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    dictionary = tmp_path / "userdict.txt"
    dictionary.write_text("诉源治理 100 n\n平安法院 100 n\n", encoding="utf-8")
    again = update_index(corpus, index, dictionary=dictionary)
    assert again.mode == "full" and again.reason == "the user dictionary changed"
    meta = json.loads((index / BUILDS / read_current(index) / META).read_text(encoding="utf-8"))
    meta["themes_fingerprint"] = "0" * 64
    (index / BUILDS / read_current(index) / META).write_text(json.dumps(meta), encoding="utf-8")
    third = update_index(corpus, index, dictionary=dictionary)
    assert third.mode == "full" and third.reason == "the themes changed"
    assert update_index(corpus, index, dictionary=dictionary, full=True).reason == "--full"


def test_many_deletions_merge_by_a_full_build(corpus: Path, tmp_path: Path, repo_corpus: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "pinghu-court-procuratorate-2017-2021.txt").unlink()  # most of the paragraphs
    merged = update_index(corpus, index)
    assert merged.mode == "full" and merged.reason.startswith("merge:")
    with Store(index).current().searcher() as searcher:
        assert not searcher.reader().has_deletions()


def test_nothing_changed_still_makes_a_fresh_verified_build(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(corpus, index)
    old = read_current(index)
    same = update_index(corpus, index)
    assert same.mode == "incremental" and (same.added, same.changed, same.removed) == ([], [], [])
    assert read_current(index) != old and same.build.report_files == []
    assert results(index) == full_rebuild(corpus, tmp_path)


def test_an_added_report_keeps_every_segment_on_array_evaluation(corpus: Path, tmp_path: Path,
                                                                  repo_corpus: Path) -> None:
    """Reused segments carry their posting arrays (hard-linked), the new segment writes its own, and the
    incremental build answers exactly as a full rebuild of the same corpus (the arrays are the only path)."""
    import whoosh.index

    from indexer.index.arrays import ARRAY_DIR, SegmentArrays
    from indexer.index.whoosh_compat import toc_segments

    index = tmp_path / "index"
    update_index(corpus, index)
    new_report(repo_corpus, corpus, "haiyan-court-2024.txt", "海盐县", 2024)
    assert update_index(corpus, index).mode == "incremental"
    build = index / BUILDS / read_current(index)
    segments = [s.segment_id() for s in toc_segments(whoosh.index.open_dir(str(build)))]
    assert len(segments) == 2 and all(SegmentArrays.available(build, s) for s in segments)
    previous = sorted((index / BUILDS).iterdir())
    linked = [p for p in (build / ARRAY_DIR).iterdir() if p.stat().st_nlink > 1]
    assert linked and len(previous) >= 2  # the old segment's arrays are the same files, not copies
    assert results(index) == full_rebuild(corpus, tmp_path)
