"""The periods the reconciliation takes, named as kpi's scorecards name them: a year (`2026`), a quarter
(`2026-Q3`) or a month (`2026-11`). finance reports years and months, so a quarter is its three months.
(kpi also scores single days; finance has no day report, so a day is not reconciled.)"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    """The last day, inclusive."""
    finance_labels: tuple[str, ...]
    """The reports finance answers for it: the year or month itself, or a quarter's three months."""

    @property
    def is_quarter(self) -> bool:
        return len(self.finance_labels) > 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def parse(label: str) -> Period:
    match = _PATTERN.match(label)
    if match is None or not 1900 <= int(match["year"]) <= 2199:
        raise BadPeriod(f"period {label!r} is not YYYY, YYYY-Qn or YYYY-MM (1900-2199)")
    year = int(match["year"])
    if match["quarter"]:
        first = 3 * int(match["quarter"]) - 2
        months = tuple(f"{year}-{m:02d}" for m in range(first, first + 3))
        return Period(label, date(year, first, 1), _month_end(year, first + 2), months)
    if match["month"]:
        month = int(match["month"])
        return Period(label, date(year, month, 1), _month_end(year, month), (label,))
    return Period(label, date(year, 1, 1), date(year, 12, 31), (label,))
