"""One file of raw numpy arrays, mapped read-only: the on-disk form of a build's array data.

Arrays are written one after another, each at a multiple of ALIGN bytes (aligned loads); the writer's
`parts` (name → [dtype, length, offset]) is the directory a reader needs, kept by the caller beside the
file (a JSON file, build.json). Opening maps the file once: each array is a view of the mapping, nothing is
copied, and every process that opens it shares the pages through the page cache. Used by the posting arrays
(indexer/index/arrays.py) and the suggestion data (indexer/search/features/suggest_data.py).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

ALIGN = 64

Parts = dict[str, list]  # name → [dtype str, length, offset]


class ArrayFileWriter:
    """Writes arrays into one file (save each, then close); `parts` says where each one is."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = open(path, "wb")  # closed by close()
        self.parts: Parts = {}
        self._at = 0

    def save(self, name: str, data: np.ndarray) -> None:
        """Append one array (flattened) at the next aligned offset."""
        data = np.ascontiguousarray(data).reshape(-1)
        pad = -self._at % ALIGN
        # f.write of a memoryview: a full disk surfaces as the OS's ENOSPC ("No space left on device")
        self._file.write(b"\0" * pad)
        self._file.write(data.data)
        self._at += pad
        self.parts[name] = [data.dtype.str, len(data), self._at]
        self._at += data.nbytes

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class MappedArrays:
    """A file of ArrayFileWriter's mapped once; each array a plain ndarray view of it (np.memmap's Python-level
    __getitem__/__array_finalize__ would cost more than the slices themselves on the hot path)."""

    def __init__(self, path: Path, parts: Mapping[str, list]) -> None:
        self.parts = parts
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __call__(self, name: str) -> np.ndarray:
        dtype, count, offset = self.parts[name]
        return np.frombuffer(self.map, dtype=np.dtype(dtype), count=count, offset=offset)


class ByteStrings(Sequence[bytes]):
    """Byte strings stored as one blob and n + 1 start offsets, as a sequence of bytes (e.g. for bisect)."""

    def __init__(self, blob: np.ndarray, starts: np.ndarray) -> None:
        self.blob = blob
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol, ints only
        return self.blob[self.starts[i] : self.starts[i + 1]].tobytes()


def key8(item: bytes) -> int:
    """A byte string's first 8 bytes as a big-endian number: never larger for a string that sorts before."""
    return int.from_bytes(item[:8].ljust(8, b"\0"), "big")


def key8_array(items: Sequence[bytes]) -> np.ndarray:
    """key8 of each byte string, as uint64 (sorted strings give sorted keys)."""
    return np.fromiter(map(key8, items), np.uint64, len(items))


def pack_strings(items: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(blob, starts) of byte strings: what ByteStrings reads back."""
    starts = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, items), np.int64, len(items)), out=starts[1:])
    return np.frombuffer(b"".join(items), dtype=np.uint8), starts
