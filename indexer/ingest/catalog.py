"""corpus/catalog.toml: the source of truth for each report's title, institution(s), years and provenance.

Format (other tools append to it, so it is kept exactly)::

    [[report]]
    file = "pinghu-2017-2021.txt"       # path relative to the corpus folder
    title = "…"
    institution = "平湖市人民法院"
    year = 2020                          # or a range: year = "2017-2021"
    # optional: date = "2021-02-06", source = "…", encoding = "gbk"
    [[report.part]]                      # an institution change inside one file
    institution = "平湖市人民检察院"
    starts_with = "2017年以来，市检察院"
"""

from __future__ import annotations

import codecs
import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.limits import MAX_CATALOG_YEAR, MIN_CATALOG_YEAR, YearError, parse_year_span

CATALOG = "catalog.toml"  # the catalog's file name, at the top of a corpus folder
ENTRY_KEYS = ("file", "title", "institution", "year", "date", "source", "encoding", "part")
PART_KEYS = ("institution", "starts_with")
_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*report[ \t]*\]\]", re.M)


class CatalogError(Exception):
    """The catalog cannot be used as written; the message names the file, the line or entry, and the fix."""


@dataclass(frozen=True)
class Part:
    """From the paragraph that starts with `starts_with` on, the report speaks for `institution`."""

    institution: str
    starts_with: str


@dataclass(frozen=True)
class CatalogEntry:
    """One [[report]] table."""

    file: str
    title: str
    institution: str
    years: tuple[int, ...]
    date: str | None = None
    source: str | None = None
    encoding: str | None = None
    parts: tuple[Part, ...] = ()


@dataclass
class CatalogRead:
    """The usable entries of a catalog plus one message per problem (lenient reading for load_corpus)."""

    entries: list[CatalogEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_years(value: object) -> tuple[int, ...]:
    """`2020`, `"2020"` or `"2017-2021"` → (2020,) / (2017, …, 2021); ValueError says what is wrong."""
    if isinstance(value, bool):
        raise ValueError(f"year must be a number like 2020 or a range like \"2017-2021\", not {value!r}")
    if isinstance(value, int):
        first = last = value
    elif isinstance(value, str):
        try:
            first, last = parse_year_span(value)  # the one year syntax (indexer.limits)
        except YearError as exc:
            raise ValueError(f"year must be a number like 2020 or a range like \"2017-2021\", not {value!r} ({exc})") from exc
    else:
        raise ValueError(f"year must be a number like 2020 or a range like \"2017-2021\", not {value!r}")
    if not (MIN_CATALOG_YEAR <= first <= MAX_CATALOG_YEAR and MIN_CATALOG_YEAR <= last <= MAX_CATALOG_YEAR):
        raise ValueError(f"year {value!r} is outside {MIN_CATALOG_YEAR}-{MAX_CATALOG_YEAR}")
    return tuple(range(first, last + 1))


def _entry_lines(text: str) -> list[int]:
    """1-based line numbers of the [[report]] headers, in order (tomllib keeps no positions)."""
    return [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_HEADER.finditer(text)]


def _text(table: dict, key: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise ValueError(f"missing {key} (add {key} = \"…\")")
        return None
    if isinstance(value, _dt.date) and key == "date":
        return value.isoformat()  # an unquoted TOML date is fine too
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty quoted string, not {value!r}")
    return value.strip()


def _entry(table: object) -> CatalogEntry:
    if not isinstance(table, dict):
        raise ValueError("is not a table")
    unknown = sorted(set(table) - set(ENTRY_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(ENTRY_KEYS)})")
    file = _text(table, "file", required=True)
    assert file is not None
    file = file.replace("\\", "/")
    if file.startswith("/") or ".." in file.split("/") or re.match(r"^[A-Za-z]:", file):
        raise ValueError(f"file {file!r} must be a path inside the corpus folder, e.g. \"name.txt\"")
    if "year" not in table:
        raise ValueError('missing year (add year = 2020 or year = "2017-2021")')
    encoding = _text(table, "encoding", required=False)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r} (use e.g. \"utf-8\", \"gbk\", \"gb18030\")") from None
    raw_parts = table.get("part", [])
    if not isinstance(raw_parts, list):
        raise ValueError("part must be written as [[report.part]] tables")
    parts = []
    for n, part in enumerate(raw_parts, 1):
        if not isinstance(part, dict):
            raise ValueError(f"[[report.part]] #{n} is not a table")
        unknown = sorted(set(part) - set(PART_KEYS))
        if unknown:
            raise ValueError(f"[[report.part]] #{n}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(PART_KEYS)})")
        try:
            institution = _text(part, "institution", required=True)
            starts_with = _text(part, "starts_with", required=True)
        except ValueError as exc:
            raise ValueError(f"[[report.part]] #{n}: {exc}") from None
        assert institution is not None and starts_with is not None
        parts.append(Part(institution=institution, starts_with=starts_with))
    title = _text(table, "title", required=True)
    institution = _text(table, "institution", required=True)
    assert title is not None and institution is not None
    return CatalogEntry(
        file=file,
        title=title,
        institution=institution,
        years=parse_years(table["year"]),
        date=_text(table, "date", required=False),
        source=_text(table, "source", required=False),
        encoding=encoding,
        parts=tuple(parts),
    )


def read_catalog(path: Path) -> CatalogRead:
    """Read every valid entry; each invalid entry (or a syntax error) becomes one message in `errors`."""
    result = CatalogRead()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.errors.append(f"{path}: cannot be read ({exc.strerror or exc})")
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        result.errors.append(f"{path}: line {line}: not UTF-8 text; save the catalog as UTF-8")
        return result
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)": keep it, it is the position to fix.
        result.errors.append(
            f"{path}: TOML syntax error: {exc}. Fix that line (strings need double quotes, "
            'one key = value per line, tables written [[report]]).'
        )
        return result
    unknown = sorted(set(data) - {"report"})
    if unknown:
        result.errors.append(f"{path}: unknown top-level key(s) {', '.join(unknown)}; every report is a [[report]] table")
    reports = data.get("report", [])
    if not isinstance(reports, list):
        result.errors.append(f"{path}: `report` must be written as [[report]] tables")
        return result
    lines = _entry_lines(text)
    seen: dict[str, int] = {}
    for n, table in enumerate(reports, 1):
        where = f"line {lines[n - 1]}: " if n - 1 < len(lines) else ""
        name = table.get("file") if isinstance(table, dict) else None
        label = f"{path}: {where}[[report]] #{n}" + (f" (file = {name!r})" if isinstance(name, str) else "")
        try:
            entry = _entry(table)
        except ValueError as exc:
            result.errors.append(f"{label}: {exc}")
            continue
        if entry.file in seen:
            result.errors.append(f"{label}: the file is already described by [[report]] #{seen[entry.file]}; keep one entry")
            continue
        seen[entry.file] = n
        result.entries.append(entry)
    return result


def load_catalog(path: Path) -> list[CatalogEntry]:
    """Parse the catalog strictly: any syntax or validation problem raises CatalogError."""
    if not path.is_file():
        raise CatalogError(f"{path}: no such catalog file; create it with one [[report]] table per report file")
    result = read_catalog(path)
    if result.errors:
        raise CatalogError("\n".join(result.errors))
    return result.entries
