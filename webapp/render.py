"""Presentation helpers for the templates: the <mark>-only HTML sanitiser, year labels, the year chart."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from indexer.limits import year_label

_MARK_TAG = re.compile(r"(<mark>|</mark>)")


def only_marks(fragment: str | None) -> Markup:
    """Engine HTML → safe HTML: every tag but <mark>/</mark> escaped, marks balanced.

    The engine promises escaped text with <mark> around matches; we do not rely on it. Each text run is
    unescaped then escaped again (idempotent for correct input, safe for anything else), so corpus text
    like "<script>" can only ever come out as text.
    """
    out: list[str] = []
    depth = 0
    for piece in _MARK_TAG.split(fragment or ""):
        if piece == "<mark>":
            if depth == 0:
                out.append(piece)
                depth = 1
        elif piece == "</mark>":
            if depth == 1:
                out.append(piece)
                depth = 0
        elif piece:
            out.append(str(escape(html.unescape(piece))))
    if depth:
        out.append("</mark>")
    return Markup("".join(out))


def years_label(years: Sequence[int | str] | None) -> str:
    """[2017, …, 2021] → "2017-2021年" (limits.year_label, as typed and as the CLI prints); [2020] → "2020年";
    gaps listed with 、."""
    ys = sorted({int(y) for y in years or ()})
    if not ys:
        return ""
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{year_label(ys[0], ys[-1])}年"
    return "、".join(str(y) for y in ys) + "年"


@dataclass(frozen=True)
class Bar:
    """One bar of the hits-by-year chart (SVG user units)."""

    year: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str
    selected: bool


@dataclass(frozen=True)
class YearChart:
    """Geometry of the hits-by-year bar chart, drawn as inline SVG (no JS, no inline style)."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    peak: int

    @property
    def summary(self) -> str:
        """Text alternative for screen readers."""
        return "；".join(f"{b.year}年 {b.count} 段" for b in self.bars)


def year_chart(
    counts: Mapping[str, int],
    selected: Sequence[str],
    href: Callable[[str], str],
    *,
    height: int = 150,
    slot: int = 56,
) -> YearChart | None:
    """Bars for every single year in the facet (ascending), scaled to the highest count; None if no year."""
    years = sorted((k, int(v)) for k, v in counts.items() if re.fullmatch(r"\d{4}", str(k)))
    if not years:
        return None
    peak = max(c for _, c in years) or 1
    top, bottom = 22.0, 26.0  # room for the count above and the year below each bar
    usable = height - top - bottom
    bars = []
    for i, (year, count) in enumerate(years):
        h = round(usable * count / peak, 1) if count else 0.0
        bars.append(
            Bar(
                year=year,
                count=count,
                x=i * slot + slot * 0.18,
                y=top + usable - h,
                width=slot * 0.64,
                height=h,
                href=href(year),
                selected=year in selected,
            )
        )
    return YearChart(bars=tuple(bars), width=max(len(bars) * slot, slot), height=height,
                     baseline=top + usable, peak=peak)
