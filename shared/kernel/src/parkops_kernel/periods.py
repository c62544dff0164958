"""Reporting periods, as every service and tool names them: a year (`2026`), a quarter (`2026-Q3`), a
month (`2026-11`) or a day (`2026-11-27`).

A client names periods within 1900-2199 (the calendar of `parkops_kernel.bounds`); trends and series may
step back before the first one they name."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from parkops_kernel.bounds import FIRST_DAY, LAST_DAY
from parkops_kernel.errors import Unprocessable

_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>\d{2}))?)?$"
)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    """Last day of the period, inclusive."""
    label: str

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> "Period":
        return _period(_previous_label(self.label))


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _previous_label(label: str) -> str:
    match = _PATTERN.match(label)
    assert match is not None
    year = int(match["year"])
    if match["day"]:
        return (date(year, int(match["month"]), int(match["day"])) - timedelta(days=1)).isoformat()
    if match["quarter"]:
        quarter = int(match["quarter"])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if match["month"]:
        month = int(match["month"])
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return str(year - 1)


def parse_period(label: str, field: str = "period") -> Period:
    """Unprocessable (422, naming `field`) unless the label is one of the formats within 1900-2199."""
    match = _PATTERN.match(label)
    if match is None or not FIRST_DAY.year <= int(match["year"]) <= LAST_DAY.year:
        raise Unprocessable(
            f"period {label!r} is not YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD within "
            f"{FIRST_DAY.year}-{LAST_DAY.year}",
            field=field,
        )
    try:
        return _period(label)
    except ValueError as exc:
        raise Unprocessable(f"period {label!r} is not a date: {exc}", field=field) from exc


def _period(label: str) -> Period:
    """The period a well-formed label names; ValueError for a day that does not exist (2026-02-30)."""
    match = _PATTERN.match(label)
    assert match is not None
    year = int(match["year"])
    if match["day"]:
        day = date(year, int(match["month"]), int(match["day"]))
        return Period(day, day, label)
    if match["quarter"]:
        quarter = int(match["quarter"])
        return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), label)
    if match["month"]:
        month = int(match["month"])
        return Period(date(year, month, 1), _month_end(year, month), label)
    return Period(date(year, 1, 1), date(year, 12, 31), label)
