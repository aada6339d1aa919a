"""CPU time of a parsing child: what it has used, and raising its limit for work that comes with its own budget.

A leaf module: formats/isolate.py sets the child's limits with it, and OCR (indexer/ingest/ocr/session.py)
raises the limit before each page it reads.
"""

from __future__ import annotations

import math
import resource

OCR_PAGE_SLACK = 2  # CPU seconds allowed per page beyond its budget: the budget's own timer fires first


def allow_cpu(seconds: float) -> None:
    """Let this process use `seconds` more CPU time from now (the soft RLIMIT_CPU raised, never above the hard
    limit); nothing when there is no limit (not in a parsing child). OCR calls it before each page."""
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY:
        return
    wanted = cpu_seconds() + math.ceil(seconds)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_CPU, (wanted, hard))


def cpu_seconds() -> int:
    """CPU seconds this process has used (user + system), rounded up."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return math.ceil(used.ru_utime + used.ru_stime)
