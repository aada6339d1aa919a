"""Run a document parser in a forked child with memory and CPU limits, so a hostile file costs one child.

PDFium is C++ and lxml/zlib inflate attacker-sized data: a file that makes a parser crash, spin or
balloon must not take the reindex (or its memory) with it. The child gets RLIMIT_AS (its current address
space plus FormatOptions.max_memory) and RLIMIT_CPU; whatever it returns crosses a pipe (indexer.forking).
"""

from __future__ import annotations

import faulthandler
import resource

from indexer.forking import WorkerError, fork_map
from indexer.ingest.formats import Extracted, FormatError, FormatOptions, extract


def _address_space() -> int:
    """This process's current virtual memory size in bytes (Linux /proc), 0 if unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limited(job: tuple[bytes, str, FormatOptions, str | None]) -> Extracted | str:
    data, name, options, encoding = job
    faulthandler.disable()  # a crash here is reported by the parent as this file's reason, not as a dump
    if options.max_memory:
        limit = _address_space() + options.max_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if options.max_cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (options.max_cpu_seconds, options.max_cpu_seconds + 5))
    try:
        return extract(data, name, options, encoding)
    except FormatError as exc:
        return str(exc)
    except MemoryError:
        return f"parsing needs more than the {options.max_memory // 2**20:,} MiB memory limit (max_memory)"


def extract_isolated(data: bytes, name: str, options: FormatOptions, encoding: str | None = None) -> Extracted:
    """formats.extract in a forked, resource-limited child; FormatError also when the child crashes or runs out."""
    try:
        (result,) = fork_map(_limited, [(data, name, options, encoding)])
    except WorkerError as exc:
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else "no detail"
        raise FormatError(f"the parser failed on this file (crashed, or over the memory/CPU limits): {last}") from None
    if isinstance(result, str):
        raise FormatError(result)
    return result
