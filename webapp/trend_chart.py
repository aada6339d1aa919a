"""Geometry of the /trends line chart, drawn as inline SVG by the template (no JS, no inline style).

The SVG has a viewBox and scales with its container (CSS: width 100%), so a 375 px phone shows the whole
chart without scrolling; the text is sized in user units that stay readable at that scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 480, 260
LEFT, RIGHT, TOP, BOTTOM = 46.0, 14.0, 18.0, 30.0
MIN_LABEL_GAP = 40.0  # user units between two year labels (4 digits at the chart's font size)


@dataclass(frozen=True)
class YearAxes:
    """The plot's scales: years first..last across (placed by value, so a gap in the years shows as a gap on
    the axis), 0..top up; the year labels (at least MIN_LABEL_GAP apart) and three value ticks."""

    first: int
    last: int
    top: float

    def x(self, year: int) -> float:
        """Where a year is drawn."""
        plot_w = WIDTH - LEFT - RIGHT
        span = self.last - self.first
        return round(LEFT + plot_w / 2 if span == 0 else LEFT + plot_w * (year - self.first) / span, 1)

    def y(self, value: float) -> float:
        """Where a value is drawn."""
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.top), 1)

    def labels(self) -> tuple[tuple[float, int], ...]:
        """(x, year) of the labelled years."""
        span = self.last - self.first
        stride = 1 if span == 0 else max(1, -(-int(MIN_LABEL_GAP) * span // int(WIDTH - LEFT - RIGHT)))
        return tuple((self.x(y), y) for y in range(self.first, self.last + 1, stride))

    def ticks(self) -> tuple[tuple[float, str], ...]:
        """(y, label) of 0, half and the top."""
        return tuple((self.y(v), fmt(v)) for v in (0.0, self.top / 2, self.top))


def year_path(points: Sequence[Any]) -> str:
    """An SVG path through points (each with year, x, y) in year order: consecutive years joined, gaps left open."""
    out: list[str] = []
    for i, p in enumerate(points):
        joined = i > 0 and p.year == points[i - 1].year + 1
        out.append(f"{'L' if joined else 'M'}{p.x},{p.y}")
    return " ".join(out)


@dataclass(frozen=True)
class Point:
    """One year of one term: where it is drawn, what it says on hover, where a click goes."""

    year: int
    count: int
    per_1000: float
    x: float
    y: float
    href: str
    label: str


@dataclass(frozen=True)
class Line:
    """One term's polyline and points; `n` (1–5) picks its colour and dash class in trends.css."""

    n: int
    term: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        """The line's SVG path: consecutive years joined, a year without paragraphs left as a gap."""
        return year_path(self.points)


@dataclass(frozen=True)
class TrendChart:
    """Lines plus axes: year labels along the bottom, per-1,000 ticks on the left."""

    lines: tuple[Line, ...]
    x_labels: tuple[tuple[float, int], ...]
    y_ticks: tuple[tuple[float, str], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: float = LEFT
    right: float = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM

    @property
    def summary(self) -> str:
        """Text alternative: each term's per-1,000 values by year."""
        return "；".join(
            f"{line.term}：" + "，".join(f"{p.year}年每千段 {fmt(p.per_1000)}" for p in line.points) for line in self.lines
        )


def fmt(value: float) -> str:
    """A per-1,000 value for people: 3 significant digits at most, no trailing zeros."""
    if value == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k not below value (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value - 1e-12)


def trend_chart(result: dict, href: Callable[[str, int], str]) -> TrendChart | None:
    """The chart of a trends() result; href(term, year) is a point's link. None when there is no year."""
    years: list[int] = list(result["years"])
    if not years:
        return None
    axes = YearAxes(years[0], years[-1],
                    nice_ceiling(max((p["per_1000"] for s in result["series"] for p in s["by_year"]), default=0.0)))

    lines = []
    for n, series in enumerate(result["series"], start=1):
        term = series["term"]
        points = tuple(
            Point(year=p["year"], count=p["count"], per_1000=p["per_1000"], x=axes.x(p["year"]), y=axes.y(p["per_1000"]),
                  href=href(term, p["year"]),
                  label=f"{term} · {p['year']}年：{p['count']} 段（每千段 {fmt(p['per_1000'])}）")
            for p in series["by_year"]
        )
        lines.append(Line(n=n, term=term, points=points))
    return TrendChart(lines=tuple(lines), x_labels=axes.labels(), y_ticks=axes.ticks())
