"""The Whoosh schema: one document per paragraph; the field names every stage uses.

Fields (contract):
    id           ID, stored, unique         paragraph id "<report>-p<position>"
    report       ID, stored                 report id
    title        STORED                     report title
    institution  ID, stored, sortable       full official name (sortable: fast facet counts)
    years        KEYWORD, stored            space-separated "2017 2018 …" (a range report covers each year)
    theme        ID, stored, sortable       one theme of the taxonomy
    section      TEXT word analyzer, stored heading above the paragraph (boost it at query time)
    lead         TEXT word analyzer         bold/numbered lead of the paragraph (boost it at query time)
    text         TEXT word analyzer, stored, phrase
    text_bi      TEXT bigram analyzer, phrase, not stored (substring recall / exact phrases)
    position     NUMERIC, stored, sortable  1-based paragraph order within its report
    seq          NUMERIC, stored, sortable  corpus order of the paragraph when it was written (an incremental
                                            build keeps older segments' numbers: readers order by build.json's
                                            report list and position, see indexer/search/order.py)
Added beyond the contract:
    report_order NUMERIC, stored, sortable  0-based index of the report in corpus order
The three NUMERIC fields are columns without postings (ColumnNumber): nothing searches them by value,
everything reads them as stored values or columns (sorting, ties), and their trie terms were ~9 % of
all postings.
    lead_text    STORED                     the lead string itself (the `lead` field is not stored)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    INDEX_FORMAT_VERSION,
    bigram_analyzer,
    word_analyzer,
)
from indexer.model import Paragraph

SCHEMA_VERSION = INDEX_FORMAT_VERSION


class ColumnNumber(NUMERIC):
    """A NUMERIC field that is stored and a column but not indexed: no terms, no postings."""

    indexed = False


def make_schema(dictionary: Path = DEFAULT_DICTIONARY) -> Schema:
    """The paragraph schema, with the word analyzer built on `dictionary`."""
    words = word_analyzer(dictionary)
    return Schema(
        id=ID(stored=True, unique=True),
        report=ID(stored=True),
        title=STORED(),
        institution=ID(stored=True, sortable=True),
        years=KEYWORD(stored=True, scorable=False),
        theme=ID(stored=True, sortable=True),
        section=TEXT(analyzer=words, stored=True, phrase=True),
        lead=TEXT(analyzer=words, phrase=True),
        lead_text=STORED(),
        text=TEXT(analyzer=words, stored=True, phrase=True),
        text_bi=TEXT(analyzer=bigram_analyzer(), stored=False, phrase=True),
        position=ColumnNumber(int, stored=True, sortable=True),
        seq=ColumnNumber(int, stored=True, sortable=True),
        report_order=ColumnNumber(int, stored=True, sortable=True),
    )


# The one mapping between a Paragraph and its Whoosh document: build writes with to_document, and export,
# search hits and the report view read stored fields back with from_stored (then Paragraph.to_dict()).


def to_document(p: Paragraph, *, seq: int, report_order: int) -> dict:
    """The Whoosh document of one paragraph (seq: corpus order; report_order: its report's index)."""
    return {
        "id": p.id,
        "report": p.report,
        "title": p.title,
        "institution": p.institution,
        "years": " ".join(str(y) for y in p.years),
        "theme": p.theme,
        "section": p.section,
        "lead": p.lead,
        "lead_text": p.lead,
        "text": p.text,
        "text_bi": p.text,
        "position": p.position,
        "seq": seq,
        "report_order": report_order,
    }


def from_stored(stored: Mapping) -> Paragraph:
    """The Paragraph a document's stored fields describe (missing fields empty, as an old build may lack them)."""
    return Paragraph(
        report=stored.get("report", ""),
        position=int(stored.get("position", 0)),
        text=stored.get("text", ""),
        section=stored.get("section", ""),
        institution=stored.get("institution", ""),
        years=tuple(int(y) for y in str(stored.get("years", "")).split() if y.isdigit()),
        title=stored.get("title", ""),
        theme=stored.get("theme", ""),
        lead=stored.get("lead_text", "") or "",
    )
