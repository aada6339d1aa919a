"""The naive baseline engine: what a first attempt with stock tools looks like, kept only to measure against.

Deliberately flawed, on purpose and by the issue's definition: stock `jieba.analyse.ChineseAnalyzer`
(positions are character offsets, overlapping search-mode sub-words, Porter stemming), ONE text field,
blank-line chunks of the raw report files (no cleaning: headings, captions and markup are chunks too),
one writer process, Whoosh's default BM25F, facets via `groupedby`, snippets via `ContextFragmenter`.
Metadata (institution, years, title) comes straight from `catalog.toml`, read with tomllib so this
module depends on nothing in `indexer/`.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter
from whoosh.qparser import QueryParser
from whoosh.query import And, Or, Term

BLANK_LINES = re.compile(r"\n[ \t\u3000\r]*\n")
YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*[-–—~～至]\s*(\d{4})\s*$")


@dataclass(frozen=True)
class NaiveEntry:
    """One catalog row, as much of it as the baseline uses."""

    file: str
    title: str
    institution: str
    years: tuple[int, ...]
    encoding: str | None = None


def parse_years(value: Any) -> tuple[int, ...]:
    """Catalog `year`: 2020, "2020" or "2017-2021" → every year covered."""
    if isinstance(value, int):
        return (value,)
    text = str(value)
    m = YEAR_RANGE.match(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return tuple(range(min(a, b), max(a, b) + 1))
    return (int(text.strip()),)


def read_catalog(corpus_dir: Path) -> list[NaiveEntry]:
    """The catalog's reports (file, title, institution, years), without any validation beyond parsing."""
    data = tomllib.loads((corpus_dir / "catalog.toml").read_text(encoding="utf-8"))
    entries = []
    for row in data.get("report", []):
        years = parse_years(row.get("year", row.get("years")))
        entries.append(
            NaiveEntry(
                file=row["file"],
                title=row.get("title", row["file"]),
                institution=row["institution"],
                years=years,
                encoding=row.get("encoding"),
            )
        )
    return entries


def decode_raw(data: bytes, encoding: str | None) -> str:
    """Raw bytes → text: the catalog's encoding, else UTF-8 (BOM ok), else GB18030."""
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def chunks(text: str) -> list[str]:
    """Blank-line separated chunks of the raw text, stripped, empty ones dropped (no other cleaning)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [c.strip() for c in BLANK_LINES.split(text) if c.strip()]


def naive_schema() -> Schema:
    """One searchable text field plus the stored metadata facets need."""
    from jieba.analyse import (
        ChineseAnalyzer,  # imported here: jieba.analyse loads files at import
    )

    return Schema(
        id=ID(stored=True, unique=True),
        report=ID(stored=True),
        title=STORED(),
        institution=ID(stored=True),
        years=KEYWORD(stored=True),
        position=NUMERIC(stored=True),
        text=TEXT(analyzer=ChineseAnalyzer(), stored=True),
    )


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)


@dataclass
class NaiveBuild:
    """What build_naive did."""

    reports: int
    paragraphs: int
    characters: int


class NaiveIndex:
    """A built naive index, opened for searching (the API mirrors indexer.search.engine.search)."""

    def __init__(self, index_dir: Path) -> None:
        _quiet_jieba()
        self.path = index_dir
        self.index = whoosh_index.open_dir(str(index_dir))
        self.build: NaiveBuild | None = None

    def search(
        self,
        q: str,
        *,
        institutions: Sequence[str] = (),
        years: Sequence[str] = (),
        themes: Sequence[str] = (),
        page: int = 1,
        per_page: int = 10,
    ) -> dict:
        """Search like indexer.search.engine.search: hits with text and snippet, facets over all hits.

        The baseline has no themes: a theme filter matches nothing, the theme facet is empty.
        """
        if page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= per_page <= 100:
            raise ValueError("per_page must be between 1 and 100")
        empty = {
            "query": q,
            "notice": None,
            "total": 0,
            "page": page,
            "per_page": per_page,
            "hits": [],
            "facets": {"institution": {}, "year": {}, "theme": {}},
        }
        if not q.strip() or themes:
            return empty
        parser = QueryParser("text", self.index.schema)
        query = parser.parse(q)
        filters = []
        if institutions:
            filters.append(Or([Term("institution", i) for i in institutions]))
        if years:
            year_terms = []
            for y in years:
                year_terms.extend(Term("years", str(v)) for v in parse_years(y))
            filters.append(Or(year_terms))
        if filters:
            query = And([query, *filters])
        facets = sorting.Facets()
        facets.add_field("institution", maptype=sorting.Count)
        facets.add_field("years", allow_overlap=True, maptype=sorting.Count)
        with self.index.searcher() as searcher:
            results = searcher.search_page(query, page, pagelen=per_page, groupedby=facets)
            results.results.fragmenter = ContextFragmenter(maxchars=200, surround=40)
            hits = []
            # search_page clamps a page past the end to the last page: report no hits there instead
            if results.pagenum == page:
                for hit in results:
                    stored = hit.fields()
                    hits.append(
                        {
                            "id": stored["id"],
                            "report": stored["report"],
                            "title": stored["title"],
                            "institution": stored["institution"],
                            "years": [int(y) for y in stored["years"].split()],
                            "theme": "",
                            "section": "",
                            "position": stored["position"],
                            "text": stored["text"],
                            "snippet": hit.highlights("text") or stored["text"][:200],
                            "score": hit.score,
                        }
                    )
            inst = results.results.groups("institution")
            yrs = results.results.groups("years")
            return {
                **empty,
                "total": results.total,
                "hits": hits,
                "facets": {
                    "institution": {k: v for k, v in sorted(inst.items(), key=lambda kv: (-kv[1], kv[0]))},
                    "year": {str(k): v for k, v in sorted(yrs.items(), key=lambda kv: str(kv[0]))},
                    "theme": {},
                },
            }


def build_naive(corpus_dir: Path, index_dir: Path) -> NaiveIndex:
    """Index every catalog file of corpus_dir as blank-line chunks into a fresh naive index at index_dir."""
    _quiet_jieba()
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    n_reports = n_paras = n_chars = 0
    try:
        for entry in read_catalog(corpus_dir):
            path = corpus_dir / entry.file
            try:
                text = decode_raw(path.read_bytes(), entry.encoding)
            except (OSError, UnicodeDecodeError, LookupError):
                continue  # the baseline just skips what it cannot read
            report_id = Path(entry.file).stem
            n_reports += 1
            years = " ".join(str(y) for y in entry.years)
            for position, chunk in enumerate(chunks(text), start=1):
                writer.add_document(
                    id=f"{report_id}-p{position}",
                    report=report_id,
                    title=entry.title,
                    institution=entry.institution,
                    years=years,
                    position=position,
                    text=chunk,
                )
                n_paras += 1
                n_chars += len(chunk)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    opened = NaiveIndex(index_dir)
    opened.build = NaiveBuild(reports=n_reports, paragraphs=n_paras, characters=n_chars)
    return opened


def open_naive(index_dir: Path) -> NaiveIndex:
    """Open an existing naive index."""
    return NaiveIndex(index_dir)
