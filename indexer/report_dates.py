"""A report's date as the catalog writes it or detection finds it (build.json's `date`): one reading rule for what
sorts by date (indexer/search/scoring/order.py) and what cites it (indexer/citation.py).

Read: `2021-02-06`, `2021-2-6`, `2021/2/6`, `2021.02.06`, `2021年2月6日`, `2021-02`, `2021年2月`, `2021`, with
full-width digits too (NFKC), a year within the catalog's years; anything else is no date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indexer.limits import MAX_CATALOG_YEAR, MIN_CATALOG_YEAR

_DATE = re.compile(r"^\s*(\d{4})(?:\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?\s*$")


@dataclass(frozen=True)
class ReportDate:
    """A date as precise as it was written: year, month (None) and day (None)."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """2021-02-06, 2021-02 or 2021."""
        return "-".join([f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n is not None])

    def chinese(self) -> str:
        """2021年2月6日, 2021年2月 or 2021年."""
        return f"{self.year}年" + (f"{self.month}月" if self.month else "") + (f"{self.day}日" if self.day else "")


def read_date(value: object) -> ReportDate | None:
    """The date a catalog or detected `date` value says, or None (see the module docstring)."""
    m = _DATE.match(unicodedata.normalize("NFKC", value)) if isinstance(value, str) else None
    if m is None or not MIN_CATALOG_YEAR <= int(m.group(1)) <= MAX_CATALOG_YEAR:
        return None
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    return ReportDate(int(m.group(1)), month, day)
