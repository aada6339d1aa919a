"""The build's suggestion file (indexer/search/features/suggest_data.py) answers exactly like the in-memory data every
server process used to make (tests/helpers/suggest_oracle.py), on the generated corpus (2,500 paragraphs: more
than the phrase sample, so approximate phrase counts too; two writers: several segments)."""

from __future__ import annotations

import random

import pytest

from indexer.limits import MAX_SUGGESTIONS
from indexer.search.engine import search
from indexer.search.features.didyoumean import similar
from indexer.search.features.suggest import MAX_PREFIX_CHARS, fold, suggest, suggest_data
from indexer.search.language.hanzi import to_traditional
from tests.helpers.oracle_build import Pair
from tests.helpers.suggest_oracle import ListData, is_mapped, list_data

pytestmark = pytest.mark.slow  # the generated pair is built once per session: over 5 s


@pytest.fixture(scope="module")
def reference(generated: Pair) -> ListData:
    return list_data(generated.store.current())


def test_the_generated_build_maps_its_file_with_every_entry_in_order(generated: Pair, reference: ListData) -> None:
    data = suggest_data(generated.store.current())
    assert is_mapped(data.counts) and is_mapped(data.rank)
    assert len(data) == len(reference.entries) > 1_000
    assert list(data.entries) == reference.entries
    assert [data.key(i) for i in range(len(data))] == reference.keys
    assert data.rank.tolist() == reference.rank
    assert any(e.approximate for e in reference.entries) and any(e.kind == "phrase" for e in reference.entries)


def test_completions_equal_the_in_memory_ones(generated: Pair, reference: ListData) -> None:
    rng = random.Random(5)
    prefixes: set[str] = {"法", "执行", "zz", "\ud800", "a", "\U0010ffff"}
    for key in rng.sample(reference.keys, 600):
        prefixes.update(key[:n] for n in range(1, min(5, len(key)) + 1))
        prefixes.add(to_traditional(key[:2]))
    assert len(prefixes) > 800
    for prefix in sorted(prefixes):
        for limit in (1, 8, MAX_SUGGESTIONS):
            got = suggest(generated.store, prefix, limit=limit)["suggestions"]
            key = fold(prefix)
            want = reference.complete(key, limit) if key and len(key) <= MAX_PREFIX_CHARS else []
            assert [(s["text"], s["count"], s["kind"], s["approximate"]) for s in got] == \
                [(e.text, e.count, e.kind, e.approximate) for e in want], (prefix, limit)


def test_did_you_mean_candidates_equal_the_in_memory_ones(generated: Pair, reference: ListData) -> None:
    data = suggest_data(generated.store.current())
    rng = random.Random(9)
    terms = ["诉原治理", "执行南", "扫黑除霸", "法庭享共", "x", ""]
    for key in rng.sample([k for k in reference.keys if len(k) >= 2], 500):
        i = rng.randrange(len(key))
        terms += [key, key[::-1], key[:i] + rng.choice("法院执行㐄人民") + key[i + 1:], key + "的", to_traditional(key)]
    found = 0
    for term in terms:
        for limit in (1, 4):
            want = reference.similar(term, limit)
            assert similar(data, term, limit) == want, term
            found += bool(want)
    assert found > 500


def test_searches_that_find_nothing_get_the_same_alternatives(generated: Pair, reference: ListData) -> None:
    """End to end: the alternatives are those the reference's candidates lead to (search's did_you_mean)."""
    rng = random.Random(13)
    typos = []
    for key in rng.sample([k for k in reference.keys if len(k) >= 3], 40):
        i = rng.randrange(len(key))
        typos.append(key[:i] + "㐄" + key[i + 1:])
    offered = 0
    for q in typos:
        result = search(generated.store, q)
        if result["total"]:
            continue
        expected = [t for t in reference.similar(q) if search(generated.store, t)["total"]]
        got = [a["query"] for a in result["did_you_mean"]]
        assert got[: len(expected[:1])] == expected[:1], q  # the best replacement comes first, as before
        offered += bool(got)
    assert offered >= 20
