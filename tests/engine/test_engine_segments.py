"""The fast segment writer writes the same index as Whoosh's own SegmentWriter (compared through the reader)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import whoosh.index
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.writing import SegmentWriter

from indexer.analysis import initialize, normalize, prefix_cuts_alike, word_analyzer
from indexer.index.build import paragraph_documents
from indexer.index.schema import make_schema
from indexer.index.segments import FastSegmentWriter, write_segments
from indexer.model import Report


def _varied(reports: list[Report]) -> list[Report]:
    """Leads of every kind (none, cut-alike prefix, mid-word prefix, not a prefix) and a section per report."""
    out = []
    for r_no, report in enumerate(reports):
        paragraphs = []
        for i, p in enumerate(report.paragraphs):
            kind = i % 4
            lead = {0: "", 1: p.text[: p.text.find("，") + 1] if "，" in p.text else p.text[:5],
                    2: p.text[:3], 3: "一是加强审判监督"}[kind]
            text = p.text if i % 7 else p.text + "  全角ＡＢＣ　空格 43.3亿元，76.8%；1/2和3+1。"
            paragraphs.append(dataclasses.replace(p, lead=lead, text=text, section=f"第{r_no}部分 · 小节{i % 3}"))
        out.append(dataclasses.replace(report, paragraphs=paragraphs))
    return out


def _dump(index_dir: Path) -> tuple:
    ix = whoosh.index.open_dir(str(index_dir), readonly=True)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[(fieldname, text)] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                        info.max_weight(), info.min_id(), info.max_id(), postings)
        n = reader.doc_count_all()
        names = ix.schema.names()
        stored = [reader.stored_fields(i) for i in range(n)]
        lengths = {f: ([reader.doc_field_length(i, f) for i in range(n)], reader.field_length(f)) for f in names}
        columns = {f: list(reader.column_reader(f)) for f in names if reader.has_column(f)}
    return terms, stored, lengths, columns


def _build(path: Path, docs: list[dict], how: str) -> Path:
    path.mkdir()
    index = whoosh.index.create_in(str(path), make_schema())
    if how == "whoosh":
        writer = SegmentWriter(index)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
    elif how == "fast":
        writer = FastSegmentWriter(index)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
    elif how == "bounded":  # a tiny memory budget: each process writes several segments in turn
        assert write_segments(index, docs, procs=2, limitmb=1) == len(docs)
    elif how == "bounded-1":
        assert write_segments(index, docs, procs=1, limitmb=1) == len(docs)
    else:
        assert write_segments(index, docs, procs=3) == len(docs)
    return path


def test_fast_writer_matches_whoosh(hand_reports: list[Report], tmp_path: Path) -> None:
    initialize()
    reports = _varied(hand_reports)
    # Repeat the corpus so frequent terms span several 128-posting blocks.
    docs = list(paragraph_documents(reports * 3))
    for seq, doc in enumerate(docs):
        doc["id"] = f"{doc['id']}-{seq}"
    expected = _dump(_build(tmp_path / "whoosh", docs, "whoosh"))
    assert any(len(v[-1]) > 128 for v in expected[0].values())
    assert _dump(_build(tmp_path / "fast", docs, "fast")) == expected
    # Three forked writers, three segments: the same postings with the same global document numbers.
    forked = tmp_path / "forked"
    assert _dump(_build(forked, docs, "forked")) == expected
    assert len(whoosh.index.open_dir(str(forked)).reader().leaf_readers()) == 3
    for how in ("bounded", "bounded-1"):
        bounded = tmp_path / how
        assert _dump(_build(bounded, docs, how)) == expected
        assert len(whoosh.index.open_dir(str(bounded)).reader().leaf_readers()) > 3


def test_empty_build_has_no_segments(tmp_path: Path) -> None:
    index = whoosh.index.create_in(str(tmp_path), make_schema())
    assert write_segments(index, [], procs=2) == 0
    assert whoosh.index.open_dir(str(tmp_path)).doc_count() == 0


def test_forked_writer_reports_worker_failure(tmp_path: Path) -> None:
    initialize()
    index = whoosh.index.create_in(str(tmp_path), make_schema())
    docs = [{"id": "a", "text": "正常段落。"}, {"id": "b", "no_such_field": "x"}]
    with pytest.raises(Exception, match="no_such_field"):
        write_segments(index, docs, procs=2, weight=lambda d: 1)


_TEXT = st.text(alphabet=st.sampled_from(list("审判监督管理加强推进工作中国人民法院一是二要：，。；、 ５5.%1/2+ＡaB") + ["\u3000"]),
                max_size=40)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, cut=st.integers(min_value=0, max_value=40))
def test_lead_words_from_text_match_analysing_the_lead(text: str, cut: int) -> None:
    """When prefix_cuts_alike says so, the text's first words are exactly the words of the prefix alone."""
    initialize()
    cut = min(cut, len(text))
    if not prefix_cuts_alike(normalize(text), cut):
        return
    words = word_analyzer()
    alone = [t.text for t in words(text[:cut])]
    from_text = [t.text for t in words(text, chars=True) if t.endchar <= cut]
    assert from_text == alone
