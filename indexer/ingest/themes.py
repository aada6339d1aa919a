"""Section themes: a small editable taxonomy (indexer/ingest/themes.toml) and the rule that gives a paragraph one theme."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from indexer.patterns import compile_patterns

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "themes.toml"
TEXT_MIN_SCORE = 6  # the text alone decides only with this much keyword evidence …
TEXT_MARGIN = 1.5  # … and this many times the runner-up's score


class TaxonomyError(ValueError):
    """themes.toml cannot be used as written."""


@dataclass(frozen=True)
class Theme:
    """One theme: its name, keyword patterns and lead patterns that decide regardless of the section."""

    name: str
    keywords: tuple[re.Pattern[str], ...]
    decisive: tuple[re.Pattern[str], ...] = ()


class Taxonomy:
    """The themes in priority order plus the default theme for introductions and closings."""

    def __init__(self, themes: list[Theme], default: str) -> None:
        self.themes = tuple(themes)
        self.default = default
        names = [t.name for t in themes]
        self.names: tuple[str, ...] = tuple(names + ([default] if default not in names else []))

    def _scores(self, text: str, *, count_all: bool) -> list[tuple[int, str]]:
        scores = []
        for theme in self.themes:
            score = 0
            for pattern in theme.keywords:
                if count_all:
                    score += sum(len(m.group(0)) for m in pattern.finditer(text))
                elif m := pattern.search(text):
                    score += len(m.group(0))
            score += len(theme.name) * text.count(theme.name)  # naming the theme outright counts double
            scores.append((score, theme.name))
        return scores

    def _best(self, text: str) -> str | None:
        scores = self._scores(text, count_all=False)
        top = max(s for s, _ in scores) if scores else 0
        return next(name for s, name in scores if s == top) if top > 0 else None  # ties: listed first

    def heading_theme(self, section: str) -> str | None:
        """The theme a section heading names (main heading first, then the sub-heading or box), or None."""
        for part in section.split(" · "):
            theme = self._best(part)
            if theme is not None:
                return theme
        return None

    def lead_theme(self, lead: str) -> str | None:
        """The theme a paragraph's own lead names, or None."""
        return self._best(lead) if lead else None

    def classify(self, section: str, lead: str, text: str) -> str:
        """One theme: a decisive lead, else the section heading, else the lead, else a clear text majority."""
        for theme in self.themes:
            if lead and any(p.search(lead) for p in theme.decisive):
                return theme.name
        found = self.heading_theme(section) or self.lead_theme(lead)
        if found:
            return found
        ranked = sorted(self._scores(text, count_all=True), key=lambda r: -r[0])
        if ranked and ranked[0][0] >= TEXT_MIN_SCORE and (len(ranked) == 1 or ranked[0][0] >= TEXT_MARGIN * ranked[1][0]):
            return ranked[0][1]
        return self.default


def _patterns(values: object, where: str) -> tuple[re.Pattern[str], ...]:
    return compile_patterns(values, where, TaxonomyError)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read themes.toml (default: the one shipped next to this module)."""
    path = path or DEFAULT_TAXONOMY
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: {exc}") from None
    default = data.get("default", "其他")
    raw = data.get("theme", [])
    if not isinstance(default, str) or not default or not isinstance(raw, list) or not raw:
        raise TaxonomyError(f"{path}: needs default = \"…\" and at least one [[theme]] table")
    themes = []
    for n, table in enumerate(raw, 1):
        name = table.get("name") if isinstance(table, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f"{path}: [[theme]] #{n} needs name = \"…\"")
        where = f"{path}: [[theme]] {name}"
        themes.append(
            Theme(
                name=name.strip(),
                keywords=_patterns(table.get("keywords", []), f"{where} keywords") if table.get("keywords") else (),
                decisive=_patterns(table.get("decisive", []), f"{where} decisive") if table.get("decisive") else (),
            )
        )
    if len({t.name for t in themes}) != len(themes):
        raise TaxonomyError(f"{path}: theme names must be unique")
    return Taxonomy(themes, default.strip())
