"""Writing catalog.toml for `add` and `remove`: the user's comments, order and layout are kept byte for byte.

Why tomlkit: it round-trips a TOML document (comments, blank lines, key order, quoting) and escapes
values correctly; tomllib only reads. New entries are appended as text after the existing bytes; a removed
entry is cut out of the parsed document, leaving everything else as it was.

Every write is atomic: a temporary file in the same folder, fsync, os.replace, fsync of the folder, so a
crash leaves either the old or the new catalog, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

import tomlkit
import tomlkit.items

from indexer.fsutil import write_atomic
from indexer.ingest.catalog import CatalogError, CatalogRead, read_catalog

HEADER = (
    "# Metadata for every report in this folder: the source of truth for institution, years and title.\n"
    "# One [[report]] table per file (written by `reportsearch add`; edit freely).\n"
)


def _current(path: Path) -> tuple[str, int]:
    """The catalog's text as it is now and its number of entries ("", 0 without a catalog)."""
    if not path.is_file():
        return "", 0
    read = read_catalog(path)
    if read.errors:  # never rewrite a catalog we cannot fully read: the user's entries could be lost
        raise CatalogError(f"{path} has problems; fix them before adding or removing reports:\n" + "\n".join(read.errors))
    return path.read_bytes().decode("utf-8-sig"), len(read.entries)


def entry_table(entry: dict) -> tomlkit.items.Table:
    """One [[report]] table from a dict of file/title/institution/year/date/source (None values left out)."""
    table = tomlkit.table()
    for key in ("file", "title", "institution", "year", "date", "source"):
        if entry.get(key) is not None:
            table.add(key, entry[key])
    return table


def append_entries(path: Path, entries: list[dict]) -> CatalogRead:
    """Append [[report]] entries to the catalog at path (created with a header comment if missing); the new
    catalog as read back before it was written."""
    text, count = _current(path)
    addition = tomlkit.document()
    aot = tomlkit.aot()
    for entry in entries:
        aot.append(entry_table(entry))
    addition.append("report", aot)
    rendered = tomlkit.dumps(addition).replace("\n[[report]]", "\n\n[[report]]")
    if not text:
        new_text = HEADER + "\n" + rendered
    else:
        new_text = text + ("" if text.endswith("\n") else "\n") + ("" if text.endswith("\n\n") else "\n") + rendered
    return _check_and_write(path, new_text, expect=count + len(entries))


def remove_entry(path: Path, file: str) -> CatalogRead | None:
    """Cut the [[report]] entry describing `file` out of the catalog: the new catalog as read back before it was
    written; None when there is no such entry (nothing written)."""
    text, count = _current(path)
    if not text:
        return None
    doc = tomlkit.parse(text)
    reports = doc.get("report")
    if not isinstance(reports, tomlkit.items.AoT):
        return None
    matches = [n for n, table in enumerate(reports) if str(table.get("file", "")).replace("\\", "/") == file]
    if not matches:
        return None
    del reports[matches[0]]
    return _check_and_write(path, tomlkit.dumps(doc), expect=count - 1)


def _check_and_write(path: Path, new_text: str, expect: int) -> CatalogRead:
    """Write new_text only if it reads back cleanly with the expected number of entries; what it read back."""
    tmp_check = path.with_name(f".{path.name}.{os.getpid()}.check")
    try:
        tmp_check.write_text(new_text, encoding="utf-8")
        read = read_catalog(tmp_check)
    finally:
        tmp_check.unlink(missing_ok=True)
    if read.errors or len(read.entries) != expect:
        problems = "; ".join(read.errors) or f"{len(read.entries)} entries instead of {expect}"
        raise CatalogError(f"{path} was not changed: the edited catalog would not read back ({problems})")
    write_atomic(path, new_text.encode("utf-8"))
    return read
