"""The differential test of issue 12: the bench query mix on a generated corpus through the reference
evaluation (Python sets, SETS) and the array evaluation (posting arrays, ARRAYS) gives identical results:
ids, order, scores, totals, facets, snippets, partial matches."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from indexer.search.cache import searching
from indexer.search.compile import Compiler, _needle
from indexer.search.ranking import SMALL_SET, Norms, top
from indexer.search.vector import ArrayCompiler, ArrayPostings, build_arrays, intersect, minus, union

from bench.generate import generate_corpus
from bench.queries import build_mix, read_corpus_text
from indexer.analysis import DEFAULT_DICTIONARY, word_analyzer
from indexer.index.arrays import ARRAY_DIR, ARRAY_FIELDS
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.engine import ranked, search
from indexer.search.evaluation import ARRAYS, SETS
from indexer.search.language.query import parse


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("differential")
    generate_corpus(2500, base / "corpus", seed=12)
    build_index(base / "corpus", base / "index", procs=2)  # two writer processes: several segments
    return base / "corpus", base / "index"


@pytest.fixture(scope="module")
def mix(generated: tuple[Path, Path]) -> list:
    words = word_analyzer(DEFAULT_DICTIONARY)
    return build_mix(read_corpus_text(generated[0]), lambda t: [tok.text for tok in words(t)])


def _build_dir(index: Path) -> Path:
    return next((index / "builds").iterdir())


def test_the_arrays_hold_exactly_whooshs_postings(generated: tuple[Path, Path]) -> None:
    store = Store(generated[1])
    with searching(store.current()) as (s, cache):
        arrays = build_arrays(s, cache)
        assert arrays is not None
        reader = s.reader()
        assert len(list(reader.leaf_readers())) >= 2  # docnum bases of later segments are exercised
        for name in ARRAY_FIELDS:
            terms = [t.decode("utf-8") for t in reader.lexicon(name)]
            assert terms
            for term in terms[:: max(1, len(terms) // 400)]:
                assert arrays.postings.doc_ids(name, term).tolist() == list(reader.postings(name, term).all_ids())
        assert not len(arrays.postings.doc_ids("text", "不存在的词语组合"))
        ch = "法"
        expected = sorted({d for t in reader.expand_prefix("text_bi", ch) for d in reader.postings("text_bi", t).all_ids()})
        assert arrays.postings.prefix_ids("text_bi", ch).tolist() == expected
    store.close()


def test_the_bench_mix_gives_identical_results_both_ways(generated: tuple[Path, Path], mix: list) -> None:
    store = Store(generated[1])
    assert len(mix) >= 200
    found = 0
    for q in mix:
        old = search(store, q.q, **q.kwargs(), evaluation=SETS)
        new = search(store, q.q, **q.kwargs(), evaluation=ARRAYS)
        assert new == old, q  # ids, order, scores, totals, facets, snippets, partial matches
        found += old["total"] > 0
        if q.page == 1:
            kw = {k: v for k, v in q.kwargs().items() if k not in ("page", "per_page")}
            assert ranked(store, q.q, limit=20, **kw, evaluation=ARRAYS) == ranked(store, q.q, limit=20, **kw, evaluation=SETS)
    assert found > len(mix) * 0.8  # the mix really finds things: the comparison is not over empty pages
    store.close()


def test_hit_sets_and_facet_selections_agree_tree_by_tree(generated: tuple[Path, Path], mix: list) -> None:
    store = Store(generated[1])
    with searching(store.current()) as (s, cache):
        arrays = build_arrays(s, cache)
        assert arrays is not None
        new, old = ArrayCompiler(s, cache, arrays), Compiler(s, cache)
        for q in mix:
            tree = parse(q.q).tree
            for whole in (False, True):
                got = new.evaluate_array(tree, whole)
                assert np.all(np.diff(got) > 0)  # sorted, unique
                assert got.tolist() == sorted(old.evaluate(tree, whole)), q
    store.close()


def test_array_bounds_pick_the_same_top_k_as_the_reference(generated: tuple[Path, Path], mix: list) -> None:
    store = Store(generated[1])
    compared = 0
    with searching(store.current()) as (s, cache):
        arrays = build_arrays(s, cache)
        assert arrays is not None
        comp = ArrayCompiler(s, cache, arrays)
        for q in mix:
            tree = parse(q.q).tree
            scorer = comp.scoring_query(tree)
            hits = comp.evaluate(tree)
            if scorer is None or len(hits) <= SMALL_SET:
                continue
            for need in (1, 10, 57):
                reference = top(s, Compiler(s, cache).postings, Norms(), scorer, hits, need)
                got = ArrayPostings(s, arrays.postings).top(s, Norms(), scorer, hits, need)
                assert got == reference, (q, need)
                compared += reference is not None
    assert compared >= 30  # the bounds path ran on many queries, not only the small-set shortcut
    store.close()


def test_set_operations_on_sorted_arrays() -> None:
    a, b = np.array([1, 3, 5, 9], np.int32), np.array([3, 4, 9, 12], np.int32)
    assert intersect(a, b).tolist() == [3, 9] and intersect(b, a).tolist() == [3, 9]
    assert minus(a, b).tolist() == [1, 5] and minus(b, a).tolist() == [4, 12]
    assert union([a, b]).tolist() == [1, 3, 4, 5, 9, 12]
    empty = np.zeros(0, np.int32)
    assert intersect(a, empty).tolist() == [] and minus(a, empty).tolist() == a.tolist() and union([empty]).tolist() == []


def test_a_build_without_arrays_is_searched_the_reference_way(generated: tuple[Path, Path], mix: list,
                                                               tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(generated[1], copy)
    shutil.rmtree(_build_dir(copy) / ARRAY_DIR)  # as an index built before the arrays existed
    store, reference = Store(copy), Store(generated[1])
    with searching(store.current()) as (s, cache):
        assert build_arrays(s, cache) is None
        assert type(ARRAYS.compiler(s, cache)) is Compiler
    for q in mix[::10]:
        assert search(store, q.q, **q.kwargs()) == search(reference, q.q, **q.kwargs(), evaluation=SETS), q
    store.close()
    reference.close()


def test_single_characters_are_found_alike_from_the_term_table(generated: tuple[Path, Path]) -> None:
    """A one-character needle: the arrays look up bigrams starting and ending with it (no stored text read);
    the reference reads every paragraph's last character. Every character of the corpus, both ways."""
    store = Store(generated[1])
    with searching(store.current()) as (s, cache):
        arrays = build_arrays(s, cache)
        assert arrays is not None
        texts = [fields["text"] for _, fields in s.reader().iter_docs()]
        chars = sorted({ch for t in texts for ch in _needle(t)})
        assert len(chars) > 500
        new, old = ArrayCompiler(s, cache, arrays), Compiler(s, cache)
        only_last = 0
        for ch in chars:
            got = new.substring_array(ch).tolist()
            assert got == sorted(old.substring_docs(ch)), ch
            only_last += bool(len(minus(arrays.postings.suffix_ids("text_bi", ch), arrays.postings.prefix_ids("text_bi", ch))))
        assert only_last  # some paragraphs hold a character only as their last one: the suffix lookup is exercised
    for ch in ("法", "院", "。", "执"):
        assert search(store, ch, evaluation=ARRAYS) == search(store, ch, evaluation=SETS)


@pytest.fixture(scope="module")
def with_deletions(generated: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The generated index after removing two reports incrementally: its segments keep deleted paragraphs."""
    from indexer.collection import remove_report
    from indexer.ingest.catalog import load_catalog
    from indexer.ingest.corpus import report_id

    base = tmp_path_factory.mktemp("deletions")
    shutil.copytree(generated[0], base / "corpus")
    shutil.copytree(generated[1], base / "index")
    ids = [report_id(entry.file) for entry in load_catalog(base / "corpus" / "catalog.toml")]
    gone = [ids[len(ids) // 3], ids[-2]]  # one from each writer's segment
    for rid in gone:
        remove_report(rid, base / "corpus", base / "index")
    return base / "index", gone


def test_a_build_with_deletions_is_searched_by_arrays_with_identical_results(
        with_deletions: tuple[Path, list[str]], mix: list) -> None:
    index, gone = with_deletions
    store = Store(index)
    with searching(store.current()) as (s, cache):
        assert s.reader().has_deletions()
        assert build_arrays(s, cache) is not None  # the arrays serve it, deleted postings and all
    differ = [q for q in mix if search(store, q.q, **q.kwargs(), evaluation=ARRAYS)
              != search(store, q.q, **q.kwargs(), evaluation=SETS)]
    assert not differ, differ[:3]
    for q in mix[:60]:
        assert not any(h["report"] in gone for h in search(store, q.q, **q.kwargs(), evaluation=ARRAYS)["hits"])
    for ch in ("法", "。", "院"):
        assert search(store, ch, evaluation=ARRAYS) == search(store, ch, evaluation=SETS)
    store.close()
