"""When a worker retires (webapp/server.py's Lifecycle): after its request bound, or when its heap grows past
the memory bound; never in a loop when the bound is below what one request already needs."""

from __future__ import annotations

import random

from webapp.server import Lifecycle, Recycling, heap_mib


def lifecycle(recycling: Recycling, heaps: list[float] | None = None) -> tuple[Lifecycle, list[str]]:
    said: list[str] = []
    readings = iter(heaps or [])
    return Lifecycle(recycling, said.append, heap=lambda: next(readings), rng=random.Random(7)), said


def test_retires_after_its_request_bound_with_at_most_ten_percent_jitter() -> None:
    limits = set()
    for seed in range(50):
        life = Lifecycle(Recycling(max_requests=100), lambda _: None, rng=random.Random(seed))
        limits.add(life.request_limit)
        for n in range(1, life.request_limit):
            life.on_request()
            assert not life.retiring, n
        life.on_request()
        assert life.retiring and "served" in life.reason
    assert min(limits) >= 100 and max(limits) <= 110 and len(limits) > 1  # spread, so workers do not retire together


def test_retires_when_the_heap_grows_past_the_bound() -> None:
    life, said = lifecycle(Recycling(max_heap_mib=500), heaps=[300, 420, 499, 512])
    life.on_request()  # the first request opens the index: not measured
    for _ in range(3):
        life.on_request()
        assert not life.retiring
    life.on_request()
    assert life.retiring and "heap 512 MiB is over --max-worker-memory 500" in life.reason
    assert said == ["retiring: heap 512 MiB is over --max-worker-memory 500; finishing its connections"]


def test_a_bound_below_one_request_is_reported_not_obeyed_in_a_loop() -> None:
    life, said = lifecycle(Recycling(max_heap_mib=100), heaps=[900])
    for _ in range(50):
        life.on_request()
    assert not life.retiring
    assert len(said) == 1 and "raise it" in said[0]


def test_no_bounds_no_retirement_and_the_heap_is_readable_here() -> None:
    life, _ = lifecycle(Recycling())
    for _ in range(1000):
        life.on_request()
    assert not life.retiring
    assert heap_mib() > 1  # Linux: RssAnon of this test process
