"""Read untrusted files in a forked child with memory and CPU limits, so a hostile file costs one child.

Every byte of a report file is processed here, not in the reindex/add process: PDFium is C++, lxml/zlib
inflate attacker-sized data, and our own decoding, layout, detection and theme rules run regexes over
attacker-written text. A file that makes any of them crash, spin or balloon must not take the reindex (or
its memory, or the lock it holds) with it. The child gets RLIMIT_AS (its address space at the start plus
FormatOptions.max_memory) and, per item, RLIMIT_CPU (FormatOptions.max_cpu_seconds more than it has used).

run_isolated reads a batch of items in one child (a fork costs a few milliseconds; a report takes about as
long to read), which sends each result back as soon as it has it. When the child dies (a crash, a limit),
the item it was reading gets the reason and a new child goes on with the rest: no item is read twice.
Results are plain data (pickled): the parent never sees a parser object. With on_progress, the child also
sends progress messages (OCR's pages) between results; a page OCR'd raises the item's CPU limit by that
page's budget (allow_cpu), so a scanned report gets max_cpu_seconds plus ocr_page_seconds per page.
"""

from __future__ import annotations

import faulthandler
import functools
import math
import os
import pickle
import resource
import signal
import struct
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypeVar

from indexer.ingest.formats import Extracted, FormatError, FormatOptions, exhausted, extract
from indexer.ingest.formats.cpu import OCR_PAGE_SLACK
from indexer.ingest.formats.cpu import cpu_seconds as _cpu_seconds

T = TypeVar("T")
R = TypeVar("R")
_FRAME = struct.Struct("<Q")  # each result: its pickled length, then the pickle


def _address_space() -> int:
    """This process's current virtual memory size in bytes (Linux /proc), 0 if unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _guarded(func: Callable[[T], R], item: T, options: FormatOptions) -> R | FormatError:
    """func(item), or the FormatError that says why the item cannot be used."""
    try:
        return func(item)
    except FormatError as exc:
        exc.__traceback__ = exc.__context__ = exc.__cause__ = None  # frames holding a parsed tree: freed now
        return exc
    except (RecursionError, MemoryError) as exc:
        return exhausted(exc, options)
    except Exception as exc:  # noqa: BLE001 - a library failing on a hostile file: that file is skipped with the reason
        return FormatError(f"the parser failed on this file ({type(exc).__name__}: {str(exc)[:200]})")


def _limit(options: FormatOptions, items: int) -> int:
    """Set the child's limits; returns the hard CPU limit (the per-item soft limits stay below it)."""
    faulthandler.disable()  # a crash here is reported by the parent as this item's reason, not as a dump
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU and crashes must not write core files
    if options.max_memory:
        limit = _address_space() + options.max_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    per_item = options.max_cpu_seconds + 1
    if options.ocr_engine:  # room for allow_cpu's per-page raises (each page is still held to its own budget)
        per_item += options.max_ocr_pages * math.ceil(options.ocr_page_seconds + OCR_PAGE_SLACK)
    wanted = _cpu_seconds() + items * per_item + 5  # a backstop if SIGXCPU were ignored
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _child(func: Callable[..., R], items: Sequence[T], options: FormatOptions, write_fd: int,  # pragma: no cover
           progress: bool) -> None:
    code = 0
    try:
        hard = _limit(options, len(items))
        with os.fdopen(write_fd, "wb") as out:

            def send(kind: str, value: Any) -> None:
                try:
                    payload = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
                except (pickle.PicklingError, TypeError, AttributeError, MemoryError) as exc:
                    why = f"the parser's result cannot be passed back ({type(exc).__name__})"
                    payload = pickle.dumps((kind, FormatError(why)))
                out.write(_FRAME.pack(len(payload)) + payload)
                out.flush()

            def report(value: Any) -> None:
                send(_PROGRESS, value)

            for item in items:
                if options.max_cpu_seconds:
                    soft = min(_cpu_seconds() + options.max_cpu_seconds, hard)
                    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
                call = functools.partial(_with_progress, func, report) if progress else func
                send(_RESULT, _guarded(call, item, options))
    except BaseException:  # noqa: BLE001 - the parent reports the item this child was reading
        code = 1
    finally:
        os._exit(code)


_RESULT, _PROGRESS = "result", "progress"  # the two kinds of message a child sends


def _with_progress(func: Callable[[T, Callable[[Any], None]], R], report: Callable[[Any], None], item: T) -> R:
    return func(item, report)


def _read_exact(pipe: BinaryIO, size: int) -> bytes | None:
    data = pipe.read(size)
    return data if data is not None and len(data) == size else None


def _died(status: int, options: FormatOptions) -> FormatError:
    """Why the child died while reading an item (from its wait status)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return FormatError(f"parsing takes over the {options.max_cpu_seconds} s CPU limit (max_cpu_seconds); hostile or broken file")
        if sig == signal.SIGKILL:
            return FormatError("the parser was killed (over the memory or CPU limits)")
        return FormatError(f"the parser crashed on this file ({signal.Signals(sig).name})")
    code = os.waitstatus_to_exitcode(status)
    return FormatError(f"the parser failed on this file (crashed, or over the memory/CPU limits; exit status {code})")


def run_isolated(
    func: Callable[..., R], items: Sequence[T], options: FormatOptions,
    on_result: Callable[[int, R | FormatError], None] | None = None,
    on_progress: Callable[[int, Any], None] | None = None,
) -> list[R | FormatError]:
    """[func(item) for item in items] in forked, resource-limited children; a FormatError for each item that failed.

    on_result(index, result) is called in this process as each result arrives (in item order). With
    on_progress, func is called as func(item, report): report(value) in the child calls on_progress(index,
    value) here (plain data, as it happens). With options.isolate False every item is read in this process
    (no limits: for debugging and profiling).
    """
    results: list[R | FormatError] = []

    def record(result: R | FormatError) -> None:
        results.append(result)
        if on_result is not None:
            on_result(len(results) - 1, result)

    if not options.isolate:
        for item in items:
            k = len(results)
            call = functools.partial(_with_progress, func, lambda v: on_progress(k, v)) if on_progress else func
            record(_guarded(call, item, options))
        return results
    while len(results) < len(items):
        rest = items[len(results):]
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _child(func, rest, options, write_fd, on_progress is not None)
        os.close(write_fd)
        status = None
        try:
            with os.fdopen(read_fd, "rb") as pipe:
                while len(results) < len(items) and (head := _read_exact(pipe, _FRAME.size)) is not None:
                    payload = _read_exact(pipe, _FRAME.unpack(head)[0])
                    if payload is None:
                        break  # died while writing: that item failed
                    kind, value = pickle.loads(payload)
                    if kind == _PROGRESS:
                        if on_progress is not None:
                            on_progress(len(results), value)
                    else:
                        record(value)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            raise
        finally:
            _, status = os.waitpid(pid, 0)
        if len(results) < len(items):
            record(_died(status, options))
    return results


def extract_isolated(data: bytes, name: str, options: FormatOptions, encoding: str | None = None) -> Extracted:
    """formats.extract in a forked, resource-limited child; FormatError also when the child crashes or runs out."""
    (result,) = run_isolated(lambda job: extract(*job), [(data, name, options, encoding)], options)
    if isinstance(result, FormatError):
        raise result
    return result
