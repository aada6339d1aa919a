"""Comparing the engine's answers with the oracle's (tests/helpers/oracle.py), on paragraph ids, never docnums.

Each function returns a list of problems (empty: the answers agree), each naming the query, so one failing
test reports every disagreement of a query at once.

Scores: the oracle sums each clause's Whoosh score in Python where Whoosh sums them in its matcher tree,
and a new engine may compute BM25F itself; so two scores agree when they differ by at most REL_TOL
relative (1e-6 of the larger). search() shows scores rounded to 4 decimals: there the bound is REL_TOL plus
half a unit of the 4th decimal (ROUNDING).

Order: the oracle ranks every hit into tie classes (Row.cls): tier 1 / tier 2 of full matches, partial
matches by how many concepts they match, scored rows first within each, then the unscored ones in corpus
order (exact places). The engine's row at position i must be a row the oracle has, of the same class as the
oracle's row at position i and — when scored — with an oracle score within REL_TOL of that row's. So rows
whose scores lie within the tolerance of each other may come in any order, across a page boundary too (the
engine may show either of two tied rows last on a page); nothing else may move.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.helpers.oracle import Answer, Row, Trend

REL_TOL = 1e-6
ROUNDING = 0.5e-4  # search() rounds scores to 4 decimals (engine._hit)


def same_score(a: float, b: float, rounding: float = 0.0) -> bool:
    """a and b agree within REL_TOL relative (plus `rounding` absolute)."""
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b)) + rounding + 1e-12


def row_problems(got: Sequence[tuple[str, float, bool, Sequence[str]]], expected: list[Row], answer: Answer,
                 rounding: float = 0.0) -> list[str]:
    """The engine's rows (id, score, partial, missing) against the oracle's rows for the same positions."""
    out: list[str] = []
    if len(got) != len(expected):
        out.append(f"{len(got)} rows where the oracle has {len(expected)}: {[g[0] for g in got]} vs {[x.id for x in expected]}")
    ids = [g[0] for g in got]
    if len(set(ids)) != len(ids):
        out.append(f"a paragraph listed twice: {ids}")
    for i, ((gid, gscore, gpartial, gmissing), x) in enumerate(zip(got, expected)):
        row = answer.rows.get(gid)
        if row is None:
            out.append(f"#{i} {gid}: neither a hit nor a partial match (the oracle has {x.id} there)")
            continue
        if row.cls != x.cls or (row.scored and not same_score(row.score, x.score)):
            out.append(f"#{i} {gid} {row.cls} score {row.score!r}: the oracle ranks {x.id} {x.cls} score {x.score!r} there")
        if not same_score(gscore, row.score, rounding):
            out.append(f"#{i} {gid}: score {gscore!r}, the oracle's {row.score!r}")
        if bool(gpartial) != bool(row.missing) or list(gmissing) != list(row.missing):
            out.append(f"#{i} {gid}: partial={gpartial} missing={list(gmissing)}, the oracle's missing={list(row.missing)}")
    return out


def search_problems(got: dict, answer: Answer) -> list[str]:
    """search()'s answer (one page) against the oracle's: total, facets, expansion, the page's rows, partial matches."""
    out: list[str] = []
    if got["total"] != answer.total:
        out.append(f"total {got['total']}, the oracle's {answer.total}")
    if got["facets"] != answer.facets:
        out.append(f"facets {got['facets']}, the oracle's {answer.facets}")
    if got["expanded"] != answer.expanded:
        out.append(f"expanded {got['expanded']}, the oracle's {answer.expanded}")
    if got["partial_matches"] != answer.listed:
        out.append(f"partial_matches {got['partial_matches']}, the oracle lists {answer.listed}")
    if answer.total and got["did_you_mean"]:
        out.append(f"did_you_mean {got['did_you_mean']} for a query with hits")
    rows = [(h["id"], h["score"], h["partial"], h["missing"]) for h in got["hits"]]
    out += row_problems(rows, answer.page(got["page"], got["per_page"]), answer, ROUNDING)
    return [f"{answer.query!r} page {got['page']}: {p}" for p in out]


def ranked_problems(got: Sequence[tuple[object, float]], answer: Answer, limit: int) -> list[str]:
    """ranked()'s (Paragraph, score) list against the oracle's first `limit` full matches (scores unrounded)."""
    rows = [(p.id, score, False, []) for p, score in got]  # type: ignore[attr-defined]
    return [f"{answer.query!r} ranked(limit={limit}): {p}" for p in row_problems(rows, answer.full[:limit], answer)]


def hit_set_problems(got_ids: Sequence[str], answer: Answer) -> list[str]:
    """Every full match, listed (e.g. ranked(limit=total)), against the oracle's hit set."""
    got = set(got_ids)
    out = []
    if len(got) != len(got_ids):
        out.append("a paragraph listed twice")
    if got != answer.ids:
        out.append(f"hit set differs: only the engine {sorted(got - answer.ids)[:10]}, only the oracle {sorted(answer.ids - got)[:10]}")
    return [f"{answer.query!r}: {p}" for p in out]


def trend_problems(got: dict, series: dict, want: Trend) -> list[str]:
    """One series of trends() (and the result's years and denominators) against the oracle's counts."""
    out = []
    if got["years"] != list(want.paragraphs) or got["paragraphs"] != {str(y): n for y, n in want.paragraphs.items()}:
        out.append(f"years/paragraphs {got['years']} {got['paragraphs']}, the oracle's {want.paragraphs}")
    if series["total"] != want.total:
        out.append(f"total {series['total']}, the oracle's {want.total}")
    counts = {row["year"]: row["count"] for row in series["by_year"]}
    if counts != want.by_year:
        out.append(f"by year {counts}, the oracle's {want.by_year}")
    for row in series["by_year"]:
        n = want.paragraphs.get(row["year"], 0)
        if row["per_1000"] != (round(1000 * row["count"] / n, 3) if n else 0.0):
            out.append(f"per_1000 {row}: {n} paragraphs that year")
    if series["grid"] != want.grid:
        out.append(f"grid {series['grid']}, the oracle's {want.grid}")
    spread = [(s["institution"], s["first_year"], s["paragraphs"]) for s in series["spread"]]
    if spread != want.spread:
        out.append(f"spread {spread}, the oracle's {want.spread}")
    return [f"trend {series['term']!r}: {p}" for p in out]
