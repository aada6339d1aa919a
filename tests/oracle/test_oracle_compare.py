"""The oracle's comparison itself (tests/helpers/oracle_compare.py): it accepts exactly the engine answers the
rules allow — tied scores in any order, scores within the tolerance — and reports everything else."""

from __future__ import annotations

from tests.helpers.oracle import Answer, Row
from tests.helpers.oracle_compare import REL_TOL, ROUNDING, row_problems, same_score, search_problems

SCORED = ("full", 1, "scored")


def answer(rows: list[Row], partial: list[Row] | None = None, listed: int = 0) -> Answer:
    return Answer("q", len(rows), frozenset(r.id for r in rows), {}, {}, rows, partial or [], listed)


ROWS = [
    Row("a", 9.0, SCORED), Row("b", 7.0, SCORED), Row("c", 7.0 * (1 + REL_TOL / 2), SCORED), Row("d", 5.0, SCORED),
    Row("e", 3.0, ("full", 2, "scored")), Row("f", 0.0, ("full", 2, "corpus", 0)), Row("g", 0.0, ("full", 2, "corpus", 1)),
]
PARTIAL = [Row("p", 4.0, ("partial", 2, "scored"), ("x",)), Row("r", 0.0, ("partial", 1, "corpus", 3), ("x", "y"))]


def rows(*ids: str, scores: dict[str, float] | None = None) -> list[tuple[str, float, bool, list[str]]]:
    by = {r.id: r for r in ROWS + PARTIAL}
    return [(i, (scores or {}).get(i, by[i].score), bool(by[i].missing), list(by[i].missing)) for i in ids]


def test_the_oracles_own_order_and_ties_in_any_order_are_accepted() -> None:
    a = answer(ROWS)
    assert row_problems(rows("a", "b", "c", "d", "e", "f", "g"), ROWS, a) == []
    assert row_problems(rows("a", "c", "b", "d"), ROWS[:4], a) == []  # b and c tie within REL_TOL
    assert row_problems(rows("a", "c"), ROWS[:2], a) == []  # across a page boundary: either tied row may come last


def test_moved_missing_extra_and_repeated_rows_are_reported() -> None:
    a = answer(ROWS)
    assert row_problems(rows("b", "a"), ROWS[:2], a)  # a real score difference
    assert row_problems(rows("a", "b", "c", "e", "d"), ROWS[:5], a)  # tier 2 before tier 1
    assert row_problems(rows("e", "g", "f"), ROWS[4:], a)  # unscored rows keep corpus order exactly
    assert row_problems(rows("a", "b"), ROWS[:3], a)  # a row short
    assert row_problems(rows("a", "a"), ROWS[:2], a)
    assert row_problems([("zz", 9.0, False, [])], ROWS[:1], a)


def test_scores_agree_within_the_tolerance_and_rounding_only() -> None:
    a = answer(ROWS)
    assert row_problems(rows("a", scores={"a": 9.0 * (1 + REL_TOL / 2)}), ROWS[:1], a) == []
    assert row_problems(rows("a", scores={"a": 9.0 * (1 + 3 * REL_TOL)}), ROWS[:1], a)
    assert row_problems(rows("a", scores={"a": 9.00004}), ROWS[:1], a, ROUNDING) == []
    assert row_problems(rows("a", scores={"a": 9.0001}), ROWS[:1], a, ROUNDING)
    assert same_score(0.0, 0.0) and not same_score(0.0, 1e-6)


def test_partial_matches_are_checked_with_their_missing_labels() -> None:
    a = answer(ROWS[:1], PARTIAL, 2)
    got = {"total": 1, "facets": {}, "expanded": {}, "partial_matches": 2, "did_you_mean": [], "page": 1, "per_page": 10,
           "hits": [{"id": i, "score": s, "partial": p, "missing": m} for i, s, p, m in rows("a", "p", "r")]}
    assert search_problems(got, a) == []
    got["hits"][2]["missing"] = ["y", "x"]
    assert search_problems(got, a)
    got["hits"][2]["missing"] = ["x", "y"]
    got["facets"] = {"year": {"2019": 1}}
    assert search_problems(got, a)
