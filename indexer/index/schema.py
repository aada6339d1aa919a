"""The paragraph schema: one document per paragraph; the field names every stage uses.

Fields (contract):
    id           ID, stored, unique         paragraph id "<report>-p<position>"
    report       ID, stored                 report id (incremental updates delete a report's paragraphs by it)
    title        stored                     report title
    institution  stored                     full official name
    years        stored                     space-separated "2017 2018 …" (a range report covers each year)
    theme        stored                     one theme of the taxonomy
    section      words, stored              heading above the paragraph (boosted at query time)
    lead         words                      bold/numbered lead of the paragraph (boosted at query time)
    text         words, stored              the paragraph
    text_bi      bigrams                    the paragraph's character bigrams (substring recall, exact phrases)
    position     stored                     1-based paragraph order within its report
    seq          stored                     corpus order of the paragraph when it was written (an incremental
                                            build keeps older segments' numbers: readers order by build.json's
                                            report list and position, see indexer/search/context.py)
Added beyond the contract:
    report_order stored                     0-based index of the report in corpus order
    lead_text    stored                     the lead string itself (the `lead` field is not stored)
    permalink_key stored                    the paragraph's permalink key (indexer/paragraph_keys.py), numbered
                                            among its report's paragraphs (index format 6)

"words" and "bigrams" fields (ArrayText) are analysed by our tokenizers (indexer/analysis.py) but indexed
only in the posting arrays (indexer/index/arrays.py), with positions, lengths and facet columns: the
one evaluation path reads nothing else, so Whoosh's segments keep the stored documents and the two ID
fields, not a second copy of every posting (index format 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from whoosh.analysis import Analyzer
from whoosh.fields import ID, STORED, FieldType, Schema

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    bigram_analyzer,
    word_analyzer,
)
from indexer.model import Paragraph


class ArrayText(FieldType):
    """A full-text field indexed in the posting arrays (indexer/index/arrays.py), not in Whoosh's files."""

    indexed = False

    def __init__(self, analyzer: Analyzer, stored: bool = False) -> None:
        self.analyzer = analyzer
        self.format = None
        self.scorable = False
        self.stored = stored
        self.unique = False
        self.vector = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayText) and other.analyzer == self.analyzer and other.stored == self.stored

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.stored))


def make_schema(dictionary: Path = DEFAULT_DICTIONARY) -> Schema:
    """The paragraph schema, with the word analyzer built on `dictionary`."""
    words = word_analyzer(dictionary)
    return Schema(
        id=ID(stored=True, unique=True),
        report=ID(stored=True),
        title=STORED(),
        institution=STORED(),
        years=STORED(),
        theme=STORED(),
        section=ArrayText(words, stored=True),
        lead=ArrayText(words),
        lead_text=STORED(),
        text=ArrayText(words, stored=True),
        text_bi=ArrayText(bigram_analyzer()),
        position=STORED(),
        seq=STORED(),
        report_order=STORED(),
        permalink_key=STORED(),
    )


# The one mapping between a Paragraph and its Whoosh document: build writes with to_document, and export,
# search hits and the report view read stored fields back with from_stored (then Paragraph.to_dict()).


def to_document(p: Paragraph, *, seq: int, report_order: int, permalink_key: str) -> dict:
    """The Whoosh document of one paragraph (seq: corpus order; report_order: its report's index; permalink_key:
    its key among its report's paragraphs, indexer/paragraph_keys.py)."""
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
        "permalink_key": permalink_key,
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
