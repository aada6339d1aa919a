"""The years a figure is about: the report's, unless its sentence narrows them (2021年的…, 自2019年起, 三年来, 现有)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.figures.numbers import chinese_value
from indexer.figures.phrases import starting_with
from indexer.limits import MAX_CATALOG_YEAR, MIN_CATALOG_YEAR

YEARS_WINDOW = 120  # characters before a number searched for a year that governs it
GOVERNING = re.compile(r"([0-9]{4}) ?年(?:的|底|末)?$")  # 2021年的736件
SINCE = re.compile(r"([0-9]{4}) ?年(?:以来|起)")  # 自2019年起, 2018年以来
PERIOD = starting_with("0-9一二两三四五六七八九十", r"(?<![0-9])([0-9]{1,2}|[一二两三四五六七八九十]{1,2})年(?:来|以来)")  # 三年来
PLAIN = starting_with("较比从到至0-9", r"([较比从到至]?)([0-9]{4}) ?年(?!以来|起|来)")
NOW = ("现有", "目前", "现已")
# Whatever figure_years can read in a sentence, in one pattern: a 4-digit year, a period (三年来), a NOW word.
# It finds a superset, as it must (PERIOD's lookbehind is left out: a window cut in a number, …12|5年来, can
# match). Every alternative starts with 年 or a NOW word and looks behind from there, so the engine skips to
# those characters instead of trying each alternative at every position (10× faster on a typical sentence).
_DATED = re.compile(r"年(?:(?<=[0-9]{4}年)|(?<=[0-9]{4} 年)|(?<=[0-9一二两三四五六七八九十]年)(?:来|以来))|"
                    + "|".join(NOW))
CLAUSE_END = re.compile("[，,：:；;。]")
PREVIOUS = ("同比", "较上年", "比上年", "较去年", "比去年", "较上一年", "与上年相比", "较同期", "比同期")


def _year(text: str) -> int | None:
    year = int(text)
    return year if MIN_CATALOG_YEAR <= year <= MAX_CATALOG_YEAR else None


def has_dates(t: str, start: int, end: int) -> bool:
    """Whether t[start:end] says anything figure_years reads; when not, every figure in it has the report's years."""
    return _DATED.search(t, start, end) is not None


def figure_years(t: str, sentence: tuple[int, int], clause_start: int, start: int, end: int,
                 report_years: Sequence[int]) -> tuple[int, ...]:
    """The years of the number at t[start:end]: the report's unless a year expression of its sentence says otherwise."""
    sentence_start, sentence_end = sentence
    years = tuple(report_years)
    if not years:
        return years
    last = years[-1]
    window = t[max(sentence_start, start - YEARS_WINDOW):start]
    if (m := GOVERNING.search(window)) and (y := _year(m.group(1))):
        return (y,)
    since = [y for m in SINCE.finditer(window) if (y := _year(m.group(1))) is not None and y <= last]
    if since:
        return tuple(range(since[-1], last + 1))
    periods = [m.group(1) for m in PERIOD.finditer(window)]
    if periods:
        span = int(periods[-1]) if periods[-1].isdigit() else chinese_value(periods[-1])
        if span and 0 < span <= 50:
            return tuple(range(last - span + 1, last + 1))
    if any(word in window for word in NOW):
        return (last,)
    clause = t[max(clause_start, start - YEARS_WINDOW):start]
    plain = [y for m in PLAIN.finditer(clause) if not m.group(1) and (y := _year(m.group(2))) is not None]
    if not plain:
        opening = PLAIN.match(t, sentence_start)
        plain = [y for y in [_year(opening.group(2))] if y is not None] if opening and not opening.group(1) else []
    if not plain:
        after = PLAIN.search(CLAUSE_END.split(t[end:min(sentence_end, end + YEARS_WINDOW)], 1)[0])
        plain = [y for y in [_year(after.group(2))] if y is not None] if after and not after.group(1) else []
    if plain:
        return (plain[-1],)
    return years


def baseline_years(year: str | None, baseline: str, report_years: Sequence[int]) -> tuple[int, ...]:
    """The years a change is measured against: the one named (较2017年), or the period before the report's (同比)."""
    if year:
        y = _year(year)
        return (y,) if y is not None else ()
    if baseline in PREVIOUS and report_years:
        span = len(report_years)
        return tuple(range(report_years[0] - span, report_years[0]))
    return ()
