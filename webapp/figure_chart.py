"""Geometry of the /figures chart: one metric's values across years, one line per institution (and scope), as SVG.

Drawn by the template like the trends chart (no script, no inline style; colours by class in trends.css).
Only values about a single year, in the unit most of the rows use, are plotted; every point links to the
sentence it came from. When statements of one year disagree, each is a point of its own (class `conflict`)
and the line does not pass through that year: nothing is merged or averaged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from webapp.trend_chart import BOTTOM, HEIGHT, LEFT, RIGHT, WIDTH, YearAxes, fmt, nice_ceiling, year_path

MAX_SERIES = 5  # lines on one chart (trends.css has five styles); the table lists every row


@dataclass(frozen=True)
class FigurePoint:
    """One statement: where it is drawn, what it says on hover, the sentence it links to."""

    year: int
    value: float
    x: float
    y: float
    href: str
    label: str
    conflict: bool


@dataclass(frozen=True)
class FigureLine:
    """One institution's (and scope's) statements; `n` picks the style class."""

    n: int
    name: str
    points: tuple[FigurePoint, ...]

    @property
    def path(self) -> str:
        """Consecutive years with one agreed value joined; conflicting years and gaps break the line."""
        return year_path([p for p in self.points if not p.conflict])


@dataclass(frozen=True)
class FigureChart:
    """Lines plus axes, the unit plotted and how many rows were left off the chart."""

    lines: tuple[FigureLine, ...]
    unit: str
    x_labels: tuple[tuple[float, int], ...]
    y_ticks: tuple[tuple[float, str], ...]
    left_off: int
    width: int = WIDTH
    height: int = HEIGHT
    left: float = LEFT
    right: float = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM

    @property
    def summary(self) -> str:
        """Text alternative: each line's values by year."""
        return "；".join(f"{line.name}：" + "，".join(f"{p.year}年 {fmt(p.value)}{self.unit}" for p in line.points)
                        for line in self.lines)


def figure_chart(rows: list[dict], href: Callable[[dict, dict], str]) -> FigureChart | None:
    """The chart of a figures() document's rows; href(row, figure) is a point's link. None with nothing to plot."""
    plotted = [r for r in rows if r["kind"] == "value" and len(r["years"]) == 1]
    if not plotted:
        return None
    unit = Counter(r["unit"] for r in plotted).most_common(1)[0][0]
    plotted = [r for r in plotted if r["unit"] == unit]
    by_name: dict[str, list[dict]] = {}
    for r in plotted:
        name = " · ".join(x for x in (r["institution"], r["scope"], r["label"] if not r["canonical"] else "") if x)
        by_name.setdefault(name, []).append(r)
    names = sorted(by_name, key=lambda n: -sum(len(r["figures"]) for r in by_name[n]))[:MAX_SERIES]
    shown = [(n, by_name[n]) for n in names]
    years = sorted({r["years"][0] for _, rs in shown for r in rs})
    axes = YearAxes(years[0], years[-1], nice_ceiling(max(f["value"] for _, rs in shown for r in rs for f in r["figures"])))

    lines = []
    for n, (name, rs) in enumerate(shown, start=1):
        values_by_year: dict[int, set] = {}
        for r in rs:
            values_by_year.setdefault(r["years"][0], set()).update(f["value"] for f in r["figures"])
        points = tuple(
            FigurePoint(year=r["years"][0], value=f["value"], x=axes.x(r["years"][0]), y=axes.y(f["value"]),
                        href=href(r, f), label=f"{name} · {r['years'][0]}年：{f['span']}",
                        conflict=len(values_by_year[r["years"][0]]) > 1)
            for r in sorted(rs, key=lambda r: r["years"]) for f in r["figures"]
        )
        lines.append(FigureLine(n=n, name=name, points=points))
    return FigureChart(lines=tuple(lines), unit=unit, x_labels=axes.labels(), y_ticks=axes.ticks(),
                       left_off=len(by_name) - len(shown))
