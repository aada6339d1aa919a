"""The oracle's two builds of one corpus: ours (`build_index`, what the engine searches) and a reference
index written by Whoosh's stock writer (what tests/helpers/oracle.py reads), with the same paragraphs in the
same order, so docnums and every BM25F statistic correspond.

- reference_schema() / reference_document(p): the fields the oracle reads, defined here as our schema and
  schema.to_document defined them before issue 17 (same field types, analyzers and values), so the oracle
  does not change when the product's schema does;
- documents(reports) → the reference documents of every paragraph, in corpus order;
- write_reference(reports, folder) → folder: `index.create_in(folder, reference_schema()).writer()`,
  add_document per paragraph in corpus order, commit(): one segment;
- update_reference(folder, removed, replaced) → what an incremental update (`remove`, a changed report) leaves:
  `delete_by_term("report", id)` for each removed or replaced report, the replaced reports' new paragraphs
  added, commit(merge=False): the deleted paragraphs still count in Whoosh's term statistics until a merge,
  as in our incremental build (indexer/index/update.py);
- make_pair(corpus, base, procs) → Pair: both builds of a corpus folder, with the Store, the Oracle and the
  parsed reports (corpus order); pair_over(corpus, index, reports, reference) → the Pair of an index already built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import whoosh.index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.analysis import bigram_analyzer, word_analyzer
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.ingest.corpus import load_corpus
from indexer.model import Paragraph, Report
from tests.helpers.oracle import Oracle


def reference_schema() -> Schema:
    """The searched fields: jieba words of text, section heading and lead (positions), bigrams of text, facets."""
    words = word_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        report=ID(stored=True),
        institution=ID(stored=True),
        years=KEYWORD(stored=True, scorable=False),  # "2017 2018 …": a paragraph covers each year of its report
        theme=ID(stored=True),
        section=TEXT(analyzer=words, stored=True, phrase=True),
        lead=TEXT(analyzer=words, phrase=True),
        text=TEXT(analyzer=words, stored=True, phrase=True),
        text_bi=TEXT(analyzer=bigram_analyzer(), phrase=True),
        position=STORED(),
    )


def reference_document(p: Paragraph) -> dict:
    """One paragraph's reference document (the values schema.to_document gave these fields)."""
    return {"id": p.id, "report": p.report, "institution": p.institution, "years": " ".join(str(y) for y in p.years),
            "theme": p.theme, "section": p.section, "lead": p.lead, "text": p.text, "text_bi": p.text,
            "position": p.position}


def documents(reports: Iterable[Report]) -> Iterator[dict]:
    """The reference documents of every paragraph, in corpus order."""
    for report in reports:
        for p in report.paragraphs:
            yield reference_document(p)


def write_reference(reports: Sequence[Report], folder: Path) -> Path:
    """A reference index of the reports written by Whoosh's own writer, in corpus order (one segment)."""
    folder.mkdir(parents=True)
    writer = whoosh.index.create_in(str(folder), reference_schema()).writer()
    for doc in documents(reports):
        writer.add_document(**doc)
    writer.commit()
    return folder


def update_reference(folder: Path, removed: Sequence[str], replaced: Sequence[Report] = ()) -> None:
    """Delete the removed and replaced reports' paragraphs (no merge) and add the replaced reports' new ones."""
    writer = whoosh.index.open_dir(str(folder)).writer()
    for rid in [*removed, *(r.id for r in replaced)]:
        writer.delete_by_term("report", rid)
    for doc in documents(replaced):
        writer.add_document(**doc)
    writer.commit(merge=False)


@dataclass
class Pair:
    """One corpus as the engine searches it (store) and as the oracle reads it (oracle over reference)."""

    corpus: Path
    store: Store
    oracle: Oracle
    reports: list[Report]
    reference: Path

    def institutions(self) -> list[str]:
        """The institutions of the corpus, sorted."""
        return sorted({p.institution for r in self.reports for p in r.paragraphs})

    def themes(self) -> list[str]:
        """The themes of the corpus, sorted."""
        return sorted({p.theme for r in self.reports for p in r.paragraphs})

    def years(self) -> list[int]:
        """Every year some paragraph covers, sorted."""
        return sorted({y for r in self.reports for p in r.paragraphs for y in p.years})

    def close(self) -> None:
        """Close the oracle's searcher and the store."""
        self.oracle.close()
        self.store.close()


def make_pair(corpus: Path, base: Path, procs: int) -> Pair:
    """Build corpus both ways under base: index/ by our build, reference/ by Whoosh's writer."""
    summary = build_index(corpus, base / "index", procs=procs)
    assert not summary.skipped, summary.skipped
    return pair_over(corpus, base / "index", load_corpus(corpus).reports, base / "reference")


def pair_over(corpus: Path, index: Path, reports: list[Report], reference: Path) -> Pair:
    """The Pair of an index our build already made of corpus (reports: the corpus loaded), with the reference
    written now into the folder reference."""
    write_reference(reports, reference)
    return Pair(corpus, Store(index), Oracle(reference, [r.id for r in reports]), reports, reference)
