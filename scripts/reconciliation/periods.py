"""The periods the reconciliation takes, parsed as kpi parses them (`parkops_kernel.periods`): a year
(`2026`), a quarter (`2026-Q3`) or a month (`2026-11`). finance reports years and months, so a quarter
is its three months. (kpi also scores single days; finance has no day report, so a day is not
reconciled.)"""

from dataclasses import dataclass
from datetime import date

from parkops_kernel.errors import Unprocessable
from parkops_kernel.periods import parse_period


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


def parse(label: str) -> Period:
    try:
        period = parse_period(label)
    except Unprocessable as exc:
        raise BadPeriod(f"period {label!r} is not YYYY, YYYY-Qn or YYYY-MM (1900-2199)") from exc
    if period.start == period.end:
        raise BadPeriod(f"period {label!r} is a day: finance reports years and months, not days")
    if "-Q" in label:
        first = period.start.month
        months = tuple(f"{period.year}-{m:02d}" for m in range(first, first + 3))
        return Period(label, period.start, period.end, months)
    return Period(label, period.start, period.end, (label,))
