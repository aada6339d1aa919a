"""Regular expressions listed in an editable TOML file (themes.toml, figures/metrics.toml), compiled with a
message naming the entry that is wrong."""

from __future__ import annotations

import re


def compile_patterns(values: object, where: str, error: type[Exception]) -> tuple[re.Pattern[str], ...]:
    """values (a list of non-empty strings) compiled; `error` naming `where` for anything else or a bad pattern."""
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise error(f"{where} must be a list of non-empty strings")
    try:
        return tuple(re.compile(v) for v in values)
    except re.error as exc:
        raise error(f"{where}: bad pattern {exc.pattern!r}: {exc}") from None
