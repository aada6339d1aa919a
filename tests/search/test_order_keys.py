"""Issue 22's order by report date: how a catalog date reads, and that only the date groups reaching into the
asked page are ranked (every other hit is counted, never scored)."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.index.store import Store, pinned
from indexer.search.evaluation.context import context
from indexer.search.scoring.order import added_key, by_report_key, date_key


@pytest.mark.parametrize("date, key", [
    ("2021-02-06", 20210206), ("2021-2-6", 20210206), ("2021/2/6", 20210206), ("2021.02.06", 20210206),
    ("2021年2月6日", 20210206), ("２０２１－０２－０６", 20210206), ("2021-02", 20210231), ("2021年2月", 20210231),
    ("2021", 20211231), ("2021年", 20211231),
    (None, 20201231), ("", 20201231), ("二〇二一年", 20201231), ("2021-13-01", 20201231), ("1800-01-01", 20201231),
    ("2021-02-06 10:00", 20201231),
])
def test_a_report_date_reads_as_written_else_as_the_end_of_its_last_year(date: str | None, key: int) -> None:
    assert date_key(date, [2019, 2020]) == key


def test_no_date_and_no_years_is_the_oldest_and_added_falls_back_to_the_build_time() -> None:
    assert date_key(None, []) == 0
    assert added_key("2024-05-01T08:00:00+00:00", None) == added_key("2024-05-01T16:00:00+08:00", None) > 0
    assert added_key("2024-05-01T08:00:00.000002+00:00", None) - added_key("2024-05-01T08:00:00.000001", None) == 1
    assert added_key(None, "2024-05-01T08:00:00+00:00") == added_key("2024-05-01T08:00:00+00:00", None)
    assert added_key("garbage", None) == 0


def test_only_the_date_groups_on_the_page_are_ranked(seed_store: Store) -> None:
    open_index = pinned(seed_store)
    with open_index.hold():
        ctx = context(open_index)
        hits = ctx.universe
        seen: list[np.ndarray] = []

        def rank(docs: np.ndarray, offset: int, count: int) -> list[tuple[int, float]]:
            seen.append(docs)
            return [(int(d), 0.0) for d in docs[offset : offset + count]]

        newest = ctx.columns["report"].docs("pinghu-court-2023", ctx.live)
        assert [d for d, _ in by_report_key(ctx, hits, "newest", 0, 3, rank)] == newest[:3].tolist()
        assert len(seen) == 1 and np.array_equal(seen[0], newest)  # one report's paragraphs, not all 103
        seen.clear()
        page = by_report_key(ctx, hits, "newest", len(newest) - 2, 4, rank)  # across the first two dates
        assert len(page) == 4 and len(seen) == 2 and sum(len(s) for s in seen) < len(hits)
        seen.clear()
        assert by_report_key(ctx, hits, "oldest", len(hits), 10, rank) == [] and seen == []
