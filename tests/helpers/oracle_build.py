"""The oracle's two builds of one corpus: ours (`build_index`, what the engine searches) and a reference
index written by Whoosh's stock writer (what tests/helpers/oracle.py reads), with the same documents in the
same order, so docnums and every BM25F statistic correspond.

- documents(reports) → the Whoosh documents of every paragraph in corpus order (schema.to_document, as our build);
- write_reference(reports, folder) → folder: `index.create_in(folder, make_schema()).writer()`, add_document
  per paragraph in corpus order, commit(): one segment;
- update_reference(folder, removed, replaced) → what an incremental update (`remove`, a changed report) leaves:
  `delete_by_term("report", id)` for each removed or replaced report, the replaced reports' new paragraphs
  added, commit(merge=False): the deleted paragraphs still count in Whoosh's term statistics until a merge,
  as in our incremental build (indexer/index/update.py);
- make_pair(corpus, base, procs) → Pair: both builds of a corpus folder, with the Store, the Oracle and the
  parsed reports (corpus order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import whoosh.index

from indexer.index.build import build_index
from indexer.index.schema import make_schema, to_document
from indexer.index.store import Store
from indexer.ingest.corpus import load_corpus
from indexer.model import Report
from tests.helpers.oracle import Oracle


def documents(reports: Iterable[Report]) -> Iterator[dict]:
    """One Whoosh document per paragraph, in corpus order, as our build makes them (schema.to_document)."""
    seq = 0
    for order, report in enumerate(reports):
        for p in report.paragraphs:
            yield to_document(p, seq=seq, report_order=order)
            seq += 1


def write_reference(reports: Sequence[Report], folder: Path) -> Path:
    """A reference index of the reports written by Whoosh's own writer, in corpus order (one segment)."""
    folder.mkdir(parents=True)
    writer = whoosh.index.create_in(str(folder), make_schema()).writer()
    for doc in documents(reports):
        writer.add_document(**doc)
    writer.commit()
    return folder


def update_reference(folder: Path, removed: Sequence[str], replaced: Sequence[Report] = ()) -> None:
    """Delete the removed and replaced reports' paragraphs (no merge) and add the replaced reports' new ones."""
    writer = whoosh.index.open_dir(str(folder)).writer()
    for rid in [*removed, *(r.id for r in replaced)]:
        writer.delete_by_term("report", rid)
    for doc in documents(replaced):  # seq / report_order are stored only: nothing searched reads them
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
    reports = load_corpus(corpus).reports
    reference = write_reference(reports, base / "reference")
    return Pair(corpus, Store(base / "index"), Oracle(reference, [r.id for r in reports]), reports, reference)
