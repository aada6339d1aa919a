"""The oracle for issue 22's orders: search(sort="newest" | "oldest") is the oracle's relevance ranking re-sorted
by each paragraph's report date, stably, so paragraphs of one date keep their relevance order and its tie rules.

The report date, as docs/research.md states it: build.json's `date` read as year[-month[-day]] (any separators,
年月日 too; a missing month or day is the period's end), else the last day of the last year the report covers,
else the oldest of all. Written here from the rule, not imported from the product.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from tests.helpers.oracle import Answer

_NUMBERS = re.compile(r"\d+")


def report_date(record: dict) -> tuple[int, int, int]:
    """(year, month, day) a report sorts by."""
    date = record.get("date")
    nums = [int(n) for n in _NUMBERS.findall(unicodedata.normalize("NFKC", date))] if isinstance(date, str) else []
    if nums and 1949 <= nums[0] <= 2100 and len(nums) <= 3:
        month = nums[1] if len(nums) > 1 else 12
        day = nums[2] if len(nums) > 2 else 31
        if 1 <= month <= 12 and 1 <= day <= 31:
            return nums[0], month, day
    years = [int(y) for y in record.get("years", [])]
    return (max(years), 12, 31) if years else (0, 0, 0)


def by_date(answer: Answer, reports: list[dict], newest: bool) -> Answer:
    """The answer with its full matches re-sorted by report date (newest or oldest first), ties in relevance order;
    each row's class gains its date, so rows may only trade places with rows of the same date and class."""
    dates = {r["id"]: report_date(r) for r in reports}

    def date_of(row_id: str) -> tuple[int, int, int]:
        return dates[row_id.rsplit("-p", 1)[0]]

    rows = sorted(answer.full, key=lambda r: tuple(-x for x in date_of(r.id)) if newest else date_of(r.id))
    full = [replace(r, cls=(("date", date_of(r.id)), *r.cls)) for r in rows]
    return Answer(answer.query, answer.total, answer.ids, answer.facets, answer.expanded, full, answer.partial,
                  answer.listed)
