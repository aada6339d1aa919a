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
    seq          NUMERIC, stored, sortable  corpus order of the paragraph (export / report order)
Added beyond the contract:
    report_order NUMERIC, stored, sortable  0-based index of the report in corpus order
    lead_text    STORED                     the lead string itself (the `lead` field is not stored)
"""

from __future__ import annotations

from pathlib import Path

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    INDEX_FORMAT_VERSION,
    bigram_analyzer,
    word_analyzer,
)

SCHEMA_VERSION = INDEX_FORMAT_VERSION


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
        position=NUMERIC(int, stored=True, sortable=True),
        seq=NUMERIC(int, stored=True, sortable=True),
        report_order=NUMERIC(int, stored=True, sortable=True),
    )
