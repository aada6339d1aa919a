"""Canonical metrics: the editable table (indexer/figures/metrics.toml) and the rule that gives a figure one."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.figures.numbers import NO_NAMES, NameIndex
from indexer.figures.phrases import normalise_metric
from indexer.patterns import compile_patterns

DEFAULT_METRICS = Path(__file__).resolve().parent / "metrics.toml"
# words that do not narrow a statistic: 依法审结各类案件 covers what 审结 covers
SCOPE_PREFIX = re.compile(r"^(?:依法|从快|从严|从重|全年|共|累计|全院|全市法院|全市|各类|其中|中)+")
SCOPE_SUFFIX = re.compile(r"(?:各类案件|案件|金额|总额|犯罪嫌疑人|刑事犯罪|犯罪|罪犯|的)$")
MAX_REMEMBERED_PHRASES = 100_000  # distinct phrases whose match a table keeps (a few MB)
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class MetricsError(ValueError):
    """metrics.toml cannot be used as written."""


@dataclass(frozen=True)
class Metric:
    """One canonical metric: its id, Chinese label, units and the phrasings that mean it."""

    id: str
    label: str
    units: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...] = ()

    def means(self, phrase: str) -> bool:
        """True when the (normalised) metric phrase is one of this metric's phrasings."""
        return any(p.search(phrase) for p in self.patterns) and not any(p.search(phrase) for p in self.exclude)

    def scope(self, phrase: str) -> str:
        """The part of the institution's work a phrase of this metric covers: '' for all of it (新收各类案件,
        审结, 执行到位金额), else the subset it names (审结一审刑事案件 → 一审刑事, 涉民生案件执行到位 → 涉民生)."""
        phrase = normalise_metric(phrase)
        m = next((m for p in self.patterns if (m := p.search(phrase))), None)
        rest = phrase[: m.start()] + phrase[m.end():] if m else phrase
        for _ in range(3):
            rest = SCOPE_PREFIX.sub("", SCOPE_SUFFIX.sub("", rest))
        return rest


@dataclass(frozen=True)
class MetricTable:
    """The canonical metrics in priority order, the units of bare numbers after rates, and the file's fingerprint."""

    metrics: tuple[Metric, ...]
    rate_units: dict[str, str] = field(default_factory=dict)
    names: NameIndex = NO_NAMES
    fingerprint: str = ""
    # every metric's patterns in one: most phrases (诉前化解纠纷, 盘活不良资产) match none, found in one search
    _any: re.Pattern[str] = field(default=re.compile("(?!)"), repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = [p.pattern for m in self.metrics for p in m.patterns]
        object.__setattr__(self, "_any", re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile("(?!)"))
    _seen: dict[str, Metric | None] = field(default_factory=dict, repr=False, compare=False)  # phrase → match

    def canonical(self, metric: str, unit: str, kind: str) -> str | None:
        """The canonical id of a figure with this metric phrase, unit and kind ("value"/"change"), or None."""
        if metric in self._seen:  # reports repeat their phrasings: most are matched once per table
            found = self._seen[metric]
        else:
            phrase = normalise_metric(metric)
            found = next((m for m in self.metrics if m.means(phrase)), None) if self._any.search(phrase) else None
            if len(self._seen) < MAX_REMEMBERED_PHRASES:
                self._seen[metric] = found
        if found is None:
            return None
        return found.id if kind != "value" or unit in found.units else None

    def scope(self, metric: str, canonical: str | None) -> str:
        """The subset a canonical figure's phrase names ('' for the whole caseload); the phrase itself without one."""
        found = self.get(canonical) if canonical else None
        return found.scope(metric) if found is not None else metric

    def get(self, key: str) -> Metric | None:
        """The metric with this id or label, or None."""
        return next((m for m in self.metrics if key in (m.id, m.label)), None)


def _patterns(values: object, where: str) -> tuple[re.Pattern[str], ...]:
    return compile_patterns(values, where, MetricsError)


def _strings(values: object, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise MetricsError(f"{where} must be a non-empty list of strings")
    return tuple(values)


def load_metrics(path: Path | None = None) -> MetricTable:
    """Read metrics.toml (default: the one shipped next to this module); MetricsError names what is wrong."""
    path = path or DEFAULT_METRICS
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MetricsError(f"{path}: {exc}") from None
    tables = data.get("metric", [])
    if not isinstance(tables, list) or not tables:
        raise MetricsError(f"{path}: needs at least one [[metric]] table")
    metrics = []
    for n, table in enumerate(tables, 1):
        ident = table.get("id") if isinstance(table, dict) else None
        if not isinstance(ident, str) or not _ID.match(ident):
            raise MetricsError(f"{path}: [[metric]] #{n} needs id = \"…\" (lower-case letters, digits, _)")
        where = f"{path}: [[metric]] {ident}"
        label = table.get("label")
        if not isinstance(label, str) or not label.strip():
            raise MetricsError(f"{where} needs label = \"…\"")
        metrics.append(Metric(
            id=ident, label=label.strip(), units=_strings(table.get("units"), f"{where} units"),
            patterns=_patterns(table.get("patterns"), f"{where} patterns"),
            exclude=_patterns(table["exclude"], f"{where} exclude") if "exclude" in table else (),
        ))
    if len({m.id for m in metrics}) != len(metrics) or len({m.label for m in metrics}) != len(metrics):
        raise MetricsError(f"{path}: metric ids and labels must be unique")
    rate_units = data.get("rate_units", {})
    if not isinstance(rate_units, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in rate_units.items()):
        raise MetricsError(f"{path}: [rate_units] maps a rate's name to a unit (\"万人成讼率\" = \"件/万人\")")
    names = data.get("not_figures", {}).get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise MetricsError(f"{path}: [not_figures] names must be a list of non-empty strings")
    return MetricTable(tuple(metrics), dict(rate_units), NameIndex(tuple(names)), hashlib.sha256(raw).hexdigest())
