"""A figure: one quantitative statement of a paragraph, with the sentence it came from."""

from __future__ import annotations

from dataclasses import dataclass, fields

VALUE = "value"
CHANGE = "change"


@dataclass(frozen=True, slots=True)
class Figure:
    """One number a report states: what it measures, its normalised value, and where it is written."""

    paragraph: str  # paragraph id (report id + "-p" + position): the link to the text
    report: str
    institution: str
    years: tuple[int, ...]  # the years the figure is about (the report's, unless the sentence narrows them)
    sentence: str  # the sentence as written (for a very long sentence, the part around the number)
    sentence_start: int  # sentence == paragraph text[sentence_start:sentence_end]
    sentence_end: int
    span: str  # the number as written with its unit (800余家, 15.18个百分点, 第一)
    start: int  # span == paragraph text[start:end]
    end: int
    metric: str  # the metric phrase (新收各类案件, 执行到位金额, 一审服判息诉率)
    value: int | float  # in base units: 6.1亿元 → 610000000, 2.2万件 → 22000, 97.21% → 97.21
    unit: str  # base unit: 件 人 元 % 百分点 名次 …; "" for a plain ratio (程序比)
    kind: str = VALUE  # VALUE, or CHANGE for 同比上升/下降 x (never a value)
    direction: str | None = None  # "up" / "down" on a change
    approx: str | None = None  # 余 多 近 约 超过 逾 以上 左右 … when the text qualifies the number
    respectively: bool = False  # one 分别/各/均 construction gave numbers to several metrics
    baseline: str | None = None  # on a change: 同比, 较2017年, 比改革前 as written
    baseline_years: tuple[int, ...] = ()
    canonical: str | None = None  # the canonical metric id (indexer/figures/metrics.toml) or None

    def to_dict(self) -> dict:
        """The JSON shape (a build's figures files, the API later)."""
        out = {name: getattr(self, name) for name in FIELD_NAMES}  # not dataclasses.asdict: it deep-copies every value
        out["years"] = list(self.years)
        out["baseline_years"] = list(self.baseline_years)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Figure:
        """The inverse of to_dict; unknown keys are ignored (a newer build's extra fields)."""
        values = {k: v for k, v in data.items() if k in FIELD_NAMES}
        values["years"] = tuple(values.get("years") or ())
        values["baseline_years"] = tuple(values.get("baseline_years") or ())
        return cls(**values)

    @classmethod
    def from_row(cls, values: list) -> Figure:
        """A stored row of this code's files: the values in FIELD_NAMES order, the year tuples as JSON lists
        (from_dict's rule, without a dict per figure: files of other builds go through from_dict by their names)."""
        values[FIELD_INDEX["years"]] = tuple(values[FIELD_INDEX["years"]] or ())
        values[FIELD_INDEX["baseline_years"]] = tuple(values[FIELD_INDEX["baseline_years"]] or ())
        return cls(*values)

    def row(self) -> tuple:
        """The values in FIELD_NAMES order, as a build extracts them (extract.paragraph_rows)."""
        return tuple(getattr(self, name) for name in FIELD_NAMES)


FIELD_NAMES = tuple(f.name for f in fields(Figure))
FIELD_INDEX = {name: i for i, name in enumerate(FIELD_NAMES)}  # a field's place in a stored row
