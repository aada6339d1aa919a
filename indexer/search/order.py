"""Corpus order of a build's paragraphs: report by report as build.json lists them, then by position.

Why not the stored `seq`: an incremental build (indexer/index/update.py) reuses segments whose `seq`
values were numbered before reports were added in between; build.json's report list is always in corpus
order, so ordering by it gives every build the order a full build of the same corpus has.
"""

from __future__ import annotations

from whoosh.searching import Searcher


def corpus_ranks(searcher: Searcher, meta: dict) -> dict[int, int]:
    """docnum → rank in corpus order, for every live paragraph of the build."""
    reader = searcher.reader()
    position = reader.column_reader("position")
    keyed: list[tuple[int, int, int]] = []
    reports = [r.get("id") for r in meta.get("reports", [])]
    for n, rid in enumerate(reports):
        if ("report", rid) in reader:
            keyed.extend((n, position[d], d) for d in reader.postings("report", rid).all_ids())
    if len(keyed) < reader.doc_count():  # paragraphs of a report build.json does not list (built by hand): last
        listed = {d for _, _, d in keyed}
        rest = len(reports)
        keyed.extend((rest, position[d], d) for d in reader.all_doc_ids() if d not in listed)
    keyed.sort()
    return {d: rank for rank, (_, _, d) in enumerate(keyed)}
