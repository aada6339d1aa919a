"""Concurrent requests on one build (issue 17): a search never holds a lock for its whole duration, so a
slow request does not make the others of the same worker wait behind it; the shared per-build state is
made once even when the first requests arrive together."""

from __future__ import annotations

import threading

import pytest

from indexer.index.store import Store
from indexer.search.engine import get_report, search
from indexer.search.evaluation import matching
from indexer.search.evaluation.context import CONTEXT_SLOT
from indexer.search.features.trends import trends


def test_a_request_stuck_inside_evaluation_does_not_block_another(seed_store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    search(seed_store, "法院")  # the build's context exists: what is measured is the requests themselves
    inside, release = threading.Event(), threading.Event()
    real = matching.Matcher.evaluate

    def evaluate(self, node, whole_words=False):
        if threading.current_thread().name == "slow" and not inside.is_set():
            inside.set()
            assert release.wait(60)
        return real(self, node, whole_words)

    monkeypatch.setattr(matching.Matcher, "evaluate", evaluate)
    slow_result: list[dict] = []
    slow = threading.Thread(target=lambda: slow_result.append(search(seed_store, "诉源治理")), name="slow")
    slow.start()
    try:
        assert inside.wait(60)
        # the slow request is in the middle of its evaluation: these complete meanwhile (a lock held by it
        # for the whole request would keep them waiting until it is released)
        answers: list[object] = []
        others = threading.Thread(target=lambda: answers.extend([
            search(seed_store, "执行难")["total"],
            get_report(seed_store, "pinghu-court-2023", q="法院") is not None,
            trends(seed_store, ["诉源治理"])["series"][0]["total"],
        ]))
        others.start()
        others.join(30)
        assert not others.is_alive() and answers[1] is True and answers[0] and answers[2]
        assert slow.is_alive()  # …and it is still waiting: nothing above queued behind it
    finally:
        release.set()
        slow.join(60)
    assert slow_result and slow_result[0]["total"] > 0


def test_the_first_requests_together_make_one_context(seed_index, tmp_path) -> None:
    import shutil

    shutil.copytree(seed_index, tmp_path / "index")
    store = Store(tmp_path / "index")
    opened = store.current()
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(search(store, "法院")["total"])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(set(results)) == 1 and len(results) == 8
    with opened.hold():
        first = opened.slot(CONTEXT_SLOT, lambda: None)
        assert first is not None and opened.slot(CONTEXT_SLOT, lambda: None) is first
    store.close()
