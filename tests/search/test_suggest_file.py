"""The suggestion data is made by the build (full and incremental) into a file of the build that servers map; a build
without a readable file still answers the same, and a build of the previous format says reindex."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.collection import remove_report
from indexer.index.build import build_index
from indexer.index.store import BUILDS, IndexStale, Store, read_current
from indexer.index.update import Hooks
from indexer.index.version import INDEX_FORMAT_VERSION
from indexer.limits import MAX_SUGGESTIONS
from indexer.search.engine import search
from indexer.search.features.suggest import suggest, suggest_data
from indexer.search.features.suggest_data import SUGGEST_FILE
from tests.helpers.suggest_oracle import is_mapped, list_data

PREFIXES = ["诉", "诉源", "执行", "扫黑", "共享", "法", "审判", "检察", "案件", "一件", "訴源", "人民法"]


def answers(store: Store) -> list[list[dict]]:
    """The suggestions for PREFIXES and the did-you-mean of a few typos."""
    got = [suggest(store, p, limit=MAX_SUGGESTIONS)["suggestions"] for p in PREFIXES]
    return got + [search(store, q)["did_you_mean"] for q in ("诉原治理", "执行南", "法庭享共")]


def build_dir(root: Path) -> Path:
    current = read_current(root)
    assert current is not None
    return root / BUILDS / current


def test_the_build_writes_the_file_and_records_it(seed_index: Path) -> None:
    folder = build_dir(seed_index)
    meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    record = meta["suggest"]
    assert (folder / record["file"]).is_file() and record["file"] == SUGGEST_FILE
    assert record["paragraphs"] == meta["counts"]["paragraphs"]
    assert record["entries"] > record["phrases"] > 0 and record["seconds"] >= 0 and record["cpu_seconds"] >= 0
    assert set(record["parts"]) >= {"keys", "key_start", "counts", "rank", "first_top", "char_entries"}
    store = Store(seed_index)
    data = suggest_data(store.current())
    assert is_mapped(data.counts) and is_mapped(data.rank)
    assert len(data) == record["entries"]


def copy_index(seed_index: Path, tmp_path: Path) -> Path:
    root = tmp_path / "index"
    shutil.copytree(seed_index, root)
    return root


@pytest.mark.parametrize("damage", ["removed", "truncated", "emptied", "no record"])
def test_a_build_without_a_readable_file_makes_the_same_data_in_memory(seed_index: Path, tmp_path: Path,
                                                                       damage: str) -> None:
    expected = answers(Store(seed_index))
    assert all(expected[:len(PREFIXES)]) and all(expected[len(PREFIXES):])
    root = copy_index(seed_index, tmp_path)
    folder = build_dir(root)
    path = folder / SUGGEST_FILE
    if damage == "removed":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "emptied":
        path.write_bytes(b"")
    else:
        meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        del meta["suggest"]
        (folder / "build.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    store = Store(root)
    assert answers(store) == expected
    assert not is_mapped(suggest_data(store.current()).counts)


def test_a_build_of_the_previous_format_without_the_file_says_reindex(seed_index: Path, tmp_path: Path) -> None:
    root = copy_index(seed_index, tmp_path)
    folder = build_dir(root)
    meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    meta["format"] = INDEX_FORMAT_VERSION - 1
    del meta["suggest"]
    (folder / "build.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / SUGGEST_FILE).unlink()
    with pytest.raises(IndexStale, match=r"reindex required: .*run `reportsearch reindex`"):
        Store(root).current()
    with pytest.raises(IndexStale, match="reindex"):
        suggest(Store(root), "诉源")


def test_an_incremental_build_writes_its_own_file(repo_corpus: Path, tmp_path: Path) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(repo_corpus, corpus)
    build_index(corpus, root, procs=1)
    store = Store(root)
    before = suggest_data(store.current())
    phrases_before = {e.text: e.count for e in before.entries if e.kind == "phrase"}
    first = build_dir(root)
    removed = remove_report("pinghu-court-2023", corpus, root, procs=1, hooks=Hooks(max_deleted_fraction=1.0))
    assert removed.update.mode == "incremental"
    second = build_dir(root)
    assert second != first and (second / SUGGEST_FILE).is_file()
    meta = json.loads((second / "build.json").read_text(encoding="utf-8"))
    assert meta["incremental"] and meta["suggest"]["paragraphs"] == meta["counts"]["paragraphs"]
    build = store.current()
    data = suggest_data(build)
    assert is_mapped(data.counts)
    assert list(data.entries) == list_data(build).entries  # what this build holds, not the previous one's
    # word counts are document frequencies, deleted paragraphs included until a merge (as Whoosh's); phrases
    # are mined from live paragraphs only
    assert data.paragraphs == meta["counts"]["paragraphs"] < before.paragraphs
    phrases = {e.text: e.count for e in data.entries if e.kind == "phrase"}
    assert phrases.keys() < phrases_before.keys() and all(c <= phrases_before[t] for t, c in phrases.items())
