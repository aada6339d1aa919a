"""Store / OpenIndex lifetime: a build's long-lived search context is released only when no request holds it."""

from __future__ import annotations

import threading
from pathlib import Path

from indexer.index.build import build_reports
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.evaluation.context import CONTEXT_SLOT
from tests.helpers.search import word_ids


class Tracked:
    """A slot object that records whether it was closed."""

    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_close_waits_for_the_last_holder(tmp_path: Path, make_reports) -> None:
    build_reports(make_reports({"a": ["推进诉源治理工作。"]}), tmp_path, procs=1)
    opened = Store(tmp_path).current()
    with opened.hold():
        first = opened.slot("x", Tracked)
        assert opened.slot("x", Tracked) is first  # made once
        with opened.hold():
            opened.close()
            assert first.closed == 0  # two requests still hold the build
        assert first.closed == 0
    assert first.closed == 1  # released when the last one let go
    # a request that got the build before the switch still works afterwards; its slots are released on exit
    with opened.hold():
        again = opened.slot("x", Tracked)
        assert again is not first and again.closed == 0
    assert again.closed == 1
    opened.close()
    assert again.closed == 1 and first.closed == 1  # nothing left to release twice


def test_switching_builds_closes_the_old_context_only_after_its_requests(tmp_path: Path, make_reports) -> None:
    store = Store(tmp_path)
    build_reports(make_reports({"old": ["旧报告的段落，推进诉源治理工作。"]}), tmp_path, procs=1)
    assert search(store, "诉源治理")["total"] == 1
    old = store.current()
    served = old.slot(CONTEXT_SLOT, lambda: None)
    assert served is not None and not served.closed
    entered, switched = threading.Event(), threading.Event()
    seen: list[int] = []

    def request() -> None:  # a request pinned to the old build, still running when the switch happens
        with old.hold():
            entered.set()
            switched.wait(30)
            seen.append(search(_Pinned(old), "诉源治理")["total"])

    worker = threading.Thread(target=request)
    worker.start()
    entered.wait(30)
    build_reports(make_reports({"new": ["新报告第一段，深化共享法庭建设。"]}), tmp_path, procs=1)
    assert search(store, "共享法庭")["total"] == 1  # the store moved on (and retired the old build)
    assert not served.closed  # …but the pinned request still holds it
    switched.set()
    worker.join(30)
    assert seen == [1]
    assert served.closed  # released once the request ended
    assert len(word_ids(store, "共享法庭")) == 1
    store.close()


class _Pinned:
    """What the web app passes to search(): a store that always answers one build."""

    def __init__(self, open_index) -> None:
        self.open_index = open_index

    def current(self):
        return self.open_index


class CountingStore(Store):
    """A Store that counts how often the engine asks it for the current build."""

    calls = 0

    def current(self):
        self.calls += 1
        return super().current()


def test_the_engine_works_on_the_build_it_is_handed(tmp_path: Path, make_reports) -> None:
    from indexer.search.engine import check_facet_values, facet_values, get_report, mark_texts, overview, ranked

    build_reports(make_reports({"a": ["推进诉源治理工作。"]}), tmp_path, procs=1)
    store = CountingStore(tmp_path)
    pinned = store.current()
    build_reports(make_reports({"b": ["推进共享法庭建设。"]}), tmp_path, procs=1)  # CURRENT moves on
    # handed the old build, every call answers from it (one request sees one build)
    assert search(pinned, "诉源治理")["total"] == 1 and search(store, "诉源治理")["total"] == 0
    assert [p.id for p, _ in ranked(pinned, "诉源治理", limit=5)] == ["a-p1"]
    assert get_report(pinned, "a") is not None and get_report(store, "a") is None
    assert [r["id"] for r in overview(pinned)["reports_list"]] == ["a"]
    assert facet_values(pinned) == facet_values(store)  # same institution/theme/year values in both builds
    assert "<mark>" in mark_texts(pinned, "诉源治理", ["诉源治理"])[0]
    # handed the Store, each call asks it once for the build it then uses throughout
    store.calls = 0
    check_facet_values(store, institutions=["平湖市人民法院"], themes=["司法为民"])
    search(store, "共享法庭")
    assert store.calls == 2
