"""Asserting that a function's cost grows linearly with its input: a ratio of CPU times between two sizes.

assert_linear(fn, make, n) builds make(n) and make(FACTOR * n), measures the CPU time of one fn(input) for
each (time.process_time, calls repeated until a sample lasts MIN_SAMPLE, best of SAMPLES, the garbage
collector off) and asserts the larger input costs at most MAX_RATIO times the smaller: linear is 4×,
quadratic 16×. Never a wall-clock limit. Each size is measured in a forked child under RLIMIT_CPU, so an
exponential or quadratic blow-up fails the test instead of hanging it: the larger size may use what a
MAX_RATIO growth would need (plus a second), the smaller one FIRST_BUDGET seconds (only an exponential
blow-up gets near that).
"""

from __future__ import annotations

import gc
import math
import resource
import time
from collections.abc import Callable
from typing import TypeVar

from indexer.forking import WorkerError, fork_map

T = TypeVar("T")
FACTOR = 4
MAX_RATIO = 10.0
MIN_SAMPLE = 0.05  # CPU seconds per sample
SAMPLES = 3
FIRST_BUDGET = 20  # CPU seconds for the smaller size


def _per_call(fn: Callable[[T], object], arg: T, budget: float) -> float:
    """CPU seconds of one fn(arg): best of SAMPLES samples; runs in the forked child."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = math.ceil(time.process_time() + budget)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 2))
    gc.collect()
    gc.disable()
    best = math.inf
    for _ in range(SAMPLES):
        calls, start = 0, time.process_time()
        while (spent := time.process_time() - start) < MIN_SAMPLE or not calls:
            fn(arg)
            calls += 1
        best = min(best, spent / calls)
    return best


def per_call(fn: Callable[[T], object], arg: T, budget: float) -> float:
    """CPU seconds of one fn(arg), measured in a forked child that may use `budget` CPU seconds."""
    try:
        (seconds,) = fork_map(lambda a: _per_call(fn, a, budget), [arg])
    except WorkerError as exc:
        raise AssertionError(f"over its CPU budget of {budget:.1f} s (or failed): {str(exc)[-300:]}") from None
    return seconds


def assert_linear(fn: Callable[[T], object], make: Callable[[int], T], n: int, *,
                  factor: int = FACTOR, max_ratio: float = MAX_RATIO) -> float:
    """Assert that fn(make(factor * n)) costs at most max_ratio × fn(make(n)) in CPU time; returns the ratio."""
    small, large = make(n), make(factor * n)
    first = per_call(fn, small, FIRST_BUDGET)
    budget = SAMPLES * (MIN_SAMPLE + 2 * max_ratio * first) + 1
    try:
        second = per_call(fn, large, budget)
    except AssertionError as exc:
        raise AssertionError(f"size {factor * n}: more than {max_ratio:g}× the CPU time of size {n} "
                             f"({first * 1000:.2f} ms a call), {exc}") from None
    ratio = second / first
    assert ratio <= max_ratio, (f"{factor}× the input took {ratio:.1f}× the CPU time "
                                f"({first * 1000:.2f} ms → {second * 1000:.2f} ms a call): not linear")
    return ratio
