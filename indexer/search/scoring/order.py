"""Orders besides relevance: by the report's date (最新 newest / 最早 oldest first), or by when the report was
added to the index (the Atom feed's order); paragraphs of equal key in relevance order.

A report's date (newest / oldest): build.json's `date` (from the catalog or detected in the text) when it reads
as a date (indexer/report_dates.py: `2021-02-06`, `2021年2月6日`, `2021-02`, `2021` …; a missing month or day
counts as the period's end) — else the end of the last year the report covers (`years`): a report on 2020 without a date sorts
as of 2020-12-31, after a 2020 report delivered on 2020-06-30 and before one delivered on 2021-02-06. A report
with neither sorts as the oldest. Added: build.json's `added` (indexer/index/added.py), else the build's time.

Work stays bounded however many paragraphs match: each hit's key is its report's (one array gather), the
reports' keys are sorted (few), and only the groups of equal key that reach into the page are ranked by
relevance (scoring/rank.py's top-k within each group); every hit before the page is counted, never scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from indexer.limits import SORTS
from indexer.report_dates import read_date
from indexer.search.evaluation.context import BuildContext

ADDED = "added"  # newest added first: the feed's order (not offered to users as a sort)
SORT_LABELS = dict(zip(SORTS, ("相关度", "最新", "最早")))  # what users read (the page, the CLI's help)

Page = list[tuple[int, float]]


def date_key(date: object, years: object) -> int:
    """A report's date as yyyymmdd for sorting (see the module docstring); 0 when it has neither date nor years."""
    got = read_date(date)
    if got is not None:
        return got.year * 10000 + (got.month or 12) * 100 + (got.day or 31)
    ys = [int(y) for y in years if isinstance(y, int) or (isinstance(y, str) and y.isdigit())] \
        if isinstance(years, (list, tuple)) else []
    return max(ys) * 10000 + 1231 if ys else 0


def added_key(added: object, fallback: object) -> int:
    """A report's `added` timestamp (ISO 8601) as microseconds since 1970 (two builds a moment apart do not tie),
    else fallback's (the build's time), else 0."""
    for value in (added, fallback):
        if isinstance(value, str):
            try:
                stamp = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.timezone.utc)
            return int(stamp.timestamp() * 1_000_000)
    return 0


def _value_keys(ctx: BuildContext, sort: str) -> np.ndarray:
    """Each report value's key (plus one for paragraphs without a report), ascending in page order."""
    slot = f"order.{sort}"
    got = ctx.slots.get(slot)
    if isinstance(got, np.ndarray):
        return got
    reports = ctx.columns["report"]
    keys = np.zeros(len(reports.values) + 1, dtype=np.int64)
    for r in ctx.meta.get("reports", []):
        i = reports.ids.get(r.get("id"))
        if i is not None:
            keys[i] = (added_key(r.get("added"), ctx.meta.get("built_at")) if sort == ADDED
                       else date_key(r.get("date"), r.get("years")))
    if sort in ("newest", ADDED):
        keys = -keys
    keys[-1] = np.iinfo(np.int64).max  # paragraphs without a report: last
    ctx.slots[slot] = keys  # an equal array if two requests make it at once
    return keys


def by_report_key(ctx: BuildContext, hits: np.ndarray, sort: str, offset: int, count: int,
                  rank: Callable[[np.ndarray, int, int], Page]) -> Page:
    """hits[offset:offset+count] ordered by their reports' keys, each group of equal key by rank(docs, offset, count)."""
    need = offset + count
    if count <= 0 or offset >= len(hits):
        return []
    values = ctx.columns["report"].of[hits]
    values = np.where(values < 0, len(ctx.columns["report"].values), values)
    keys = _value_keys(ctx, sort)
    distinct, group_of_value = np.unique(keys, return_inverse=True)
    per_group = np.bincount(group_of_value[values], minlength=len(distinct))
    ends = np.cumsum(per_group)
    starts = ends - per_group
    reached = np.flatnonzero((per_group > 0) & (starts < need) & (ends > offset))  # ascending: page order
    group_of_hit = group_of_value[values]
    pick = np.flatnonzero((group_of_hit >= reached[0]) & (group_of_hit <= reached[-1]))
    pick = pick[np.argsort(group_of_hit[pick], kind="stable")]  # hits stay sorted within a group
    out: Page = []
    at = 0
    for g in reached.tolist():
        size = int(per_group[g])
        docs = hits[pick[at : at + size]]
        at += size
        first = max(offset, int(starts[g])) - int(starts[g])
        out += rank(docs, first, min(need, int(ends[g])) - int(starts[g]) - first)
    return out
