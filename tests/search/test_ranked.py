"""engine.ranked(): search()'s hits in the same order and scores, in one call, without facets or snippets."""

from __future__ import annotations

import pytest

from indexer.index.store import Store
from indexer.search.engine import SearchArgumentError, ranked, search


@pytest.mark.parametrize("q, kwargs", [("改革 OR 执行", {}), ("改革", {"years": ["2017-2021"]}), ("", {"years": ["2019"]}),
                                       ("理改革", {}), ("量子纠缠", {})])
def test_ranked_is_searchs_order_in_one_call(fixture_store: Store, q: str, kwargs: dict) -> None:
    total = search(fixture_store, q, **kwargs)["total"]
    paged = [h for page in range(1, -(-total // 7) + 1) for h in search(fixture_store, q, page=page, per_page=7, **kwargs)["hits"]
             if not h["partial"]]  # ranked() lists full matches (what `total` counts), not the partial ones after them
    got = ranked(fixture_store, q, limit=total + 5, **kwargs)
    assert [p.id for p, _ in got] == [h["id"] for h in paged]
    assert [round(score, 4) for _, score in got] == [h["score"] for h in paged]
    assert [p.to_dict() for p, _ in got] == [{k: h[k] for k in p.to_dict()} for (p, _), h in zip(got, paged)]
    assert [p.id for p, _ in ranked(fixture_store, q, limit=3, **kwargs)] == [h["id"] for h in paged[:3]]


def test_ranked_checks_its_arguments_like_search(fixture_store: Store) -> None:
    for bad in ({"limit": -1}, {"limit": "10"}, {"limit": 5, "years": ["2021-2017"]}):
        with pytest.raises(SearchArgumentError):
            ranked(fixture_store, "改革", **bad)
    assert ranked(fixture_store, "改革", limit=0) == []
