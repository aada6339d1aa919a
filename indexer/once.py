"""A process's heavy read-only objects (jieba's dictionary, an OpenCC converter), made once per key even when
several threads ask for one at the same moment.

Why not functools.lru_cache alone: it does not hold callers back while the first one is still making the
value, so the first requests of a fresh server process (waitress runs 8 threads) each loaded their own jieba
(≈ 70 MB and 0.6 s of CPU each, then garbage): 8 copies at once were seen at 100,000 paragraphs. Here the
other callers wait for the one being made. One lock per cached function: makers never call each other's.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def made_once(maxsize: int) -> Callable[[F], F]:
    """functools.lru_cache(maxsize) whose values are made by one thread at a time (cache_info/cache_clear kept)."""

    def wrap(make: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(make)
        lock = threading.Lock()

        @functools.wraps(make)
        def get(*args: Any) -> Any:
            with lock:
                return cached(*args)

        get.cache_info = cached.cache_info  # type: ignore[attr-defined]
        get.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return get  # type: ignore[return-value]

    return wrap
