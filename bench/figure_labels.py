"""Scoring the figure extractor against the hand labels (tests/data/figures_labels.jsonl, figures_not.jsonl).

A labelled figure and an extracted one are the same (metric, value, unit) triple when they come from the
same paragraph, their values are equal, their units and kinds (value/change) are equal, and their metric
phrases agree. Metric phrases are compared after removing quotes, brackets and spaces; they agree when
they are equal, when one contains the other and is at least a third of its length, or when their
character-bigram Dice coefficient is at least 0.5 (the labels sometimes reorder the words: 7项工作经验获…
肯定推广 is labelled 获…肯定推广的工作经验). Matching is one to one (a 各1人 statement is two figures).

Canonical assignment is scored on its own: an extracted (paragraph, value, unit, kind, canonical) tuple
against the labelled ones, so it does not depend on how the free phrase is worded.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer.figures.phrases import normalise_metric

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELS = DATA / "figures_labels.jsonl"
NOT_FIGURES = DATA / "figures_not.jsonl"
DICE_MIN = 0.5
CONTAINED_MIN = 1 / 3


def load_labels(path: Path = LABELS) -> list[dict]:
    """The labelled figures, one dict per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: str, b: str) -> float:
    """Character-bigram Dice coefficient of two phrases (multisets)."""
    x, y = _bigrams(a), _bigrams(b)
    total = sum(x.values()) + sum(y.values())
    return 2 * sum((x & y).values()) / total if total else float(a == b)


def metric_agreement(extracted: str, labelled: str) -> str | None:
    """'exact', 'contained' or 'similar' when two metric phrases name the same thing, else None."""
    a, b = normalise_metric(extracted), normalise_metric(labelled)
    if a == b:
        return "exact"
    short, long = sorted((a, b), key=len)
    if short and short in long and len(short) >= len(long) * CONTAINED_MIN:
        return "contained"
    if dice(a, b) >= DICE_MIN:
        return "similar"
    return None


def _same_number(x: dict, y: dict) -> bool:
    return (x["paragraph"] == y["paragraph"] and abs(float(x["value"]) - float(y["value"])) < 1e-9
            and x["unit"] == y["unit"] and x.get("kind", "value") == y.get("kind", "value"))


@dataclass
class Score:
    """Precision and recall of one comparison, with the unmatched figures on either side."""

    matched: int
    extracted: int
    labelled: int
    misses: list[dict] = field(default_factory=list)  # labelled, not extracted
    extras: list[dict] = field(default_factory=list)  # extracted, not labelled
    agreement: Counter[str] = field(default_factory=Counter)
    pairs: list[tuple[dict, dict]] = field(default_factory=list)  # (extracted, labelled) matches

    @property
    def precision(self) -> float:
        """Share of extracted figures that are labelled."""
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled figures that were extracted."""
        return self.matched / self.labelled if self.labelled else 1.0


def score_triples(extracted: Sequence[dict], labelled: Sequence[dict]) -> Score:
    """(metric, value, unit) triples: one-to-one matches, best metric agreement first."""
    order = {"exact": 0, "contained": 1, "similar": 2}
    pairs = []
    for i, x in enumerate(extracted):
        for j, y in enumerate(labelled):
            if _same_number(x, y):
                how = metric_agreement(x["metric"], y["metric"])
                if how is not None:
                    pairs.append((order[how], -dice(normalise_metric(x["metric"]), normalise_metric(y["metric"])), i, j, how))
    pairs.sort()
    used_x: set[int] = set()
    used_y: set[int] = set()
    agreement: Counter[str] = Counter()
    matched = []
    for _, _, i, j, how in pairs:
        if i not in used_x and j not in used_y:
            used_x.add(i)
            used_y.add(j)
            agreement[how] += 1
            matched.append((extracted[i], labelled[j]))
    return Score(len(used_x), len(extracted), len(labelled),
                 misses=[y for j, y in enumerate(labelled) if j not in used_y],
                 extras=[x for i, x in enumerate(extracted) if i not in used_x], agreement=agreement, pairs=matched)


FIELDS = ("span", "years", "approx", "direction", "respectively", "baseline_years")


def field_agreement(pairs: Sequence[tuple[dict, dict]]) -> dict[str, tuple[int, list[tuple[dict, dict]]]]:
    """For each of FIELDS: how many matched figures agree on it, and the pairs that do not."""
    out = {}
    for name in FIELDS:
        def norm(f: dict, name: str = name) -> object:
            value = f.get(name)
            return bool(value) if name == "respectively" else (list(value) if isinstance(value, (list, tuple)) else value) or None
        wrong = [(x, y) for x, y in pairs if norm(x) != norm(y)]
        out[name] = (len(pairs) - len(wrong), wrong)
    return out


def score_canonical(extracted: Sequence[dict], labelled: Sequence[dict]) -> Score:
    """Canonical assignment: (paragraph, value, unit, kind, canonical) tuples of figures that have one."""
    def key(f: dict) -> tuple:
        return f["paragraph"], round(float(f["value"]), 6), f["unit"], f.get("kind", "value"), f["canonical"]

    xs = [f for f in extracted if f.get("canonical")]
    ys = [f for f in labelled if f.get("canonical")]
    unmatched = Counter(key(f) for f in ys)
    extras = []
    for f in xs:
        if unmatched[key(f)] > 0:
            unmatched[key(f)] -= 1
        else:
            extras.append(f)
    misses = []
    for f in ys:
        if unmatched[key(f)] > 0:
            unmatched[key(f)] -= 1
            misses.append(f)
    return Score(len(xs) - len(extras), len(xs), len(ys), misses=misses, extras=extras)


def not_figure_hits(extracted: Iterable[dict], not_figures: Sequence[dict]) -> list[dict]:
    """Labelled non-figures (years, names, slogans …) that the extractor took as figures, by paragraph and span."""
    spans: dict[str, list[str]] = {}
    for f in extracted:
        spans.setdefault(f["paragraph"], []).append(f["span"])
    return [n for n in not_figures if any(n["span"] == s or s in n["span"] for s in spans.get(n["paragraph"], []))]
