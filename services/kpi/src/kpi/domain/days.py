"""Facts that count each once, folded into per-day totals: a period's figure is the sum of its days.

Days are keyed by their ordinal (`date.toordinal`); a period is summed over the days it holds or over the
days with facts, whichever are fewer, so a year of a busy park costs at most 366 lookups."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from kpi.domain.event_ids import IdList
from kpi.domain.periods import Period

V = TypeVar("V")


def days_in(book: Mapping[int, V], period: Period) -> Iterator[tuple[int, V]]:
    """The (day, value) of `book` within the period."""
    first, last = period.start.toordinal(), period.end.toordinal()
    if last - first + 1 <= len(book):
        for day in range(first, last + 1):
            if (found := book.get(day)) is not None:
                yield day, found
    else:
        yield from ((day, v) for day, v in book.items() if first <= day <= last)


@dataclass(slots=True)
class MoneyDay:
    """The lines of one kind (a revenue stream, a cost kind) dated one day."""

    count: int = 0
    total: Decimal = Decimal(0)
    ids: IdList = field(default_factory=IdList)


@dataclass(frozen=True)
class MoneyTotal:
    count: int
    total: Decimal


@dataclass
class MoneyDays:
    """Amounts by kind and day, each fact (event) counted once: reversals are facts of their own."""

    days: dict[int, dict[str, MoneyDay]] = field(default_factory=dict)

    def add(self, kind: str, amount: Decimal, on: date, event_id: str) -> bool:
        """Count a line; False, and nothing changed, for an event counted already (a second delivery
        has the same day and kind)."""
        day = self.days.setdefault(on.toordinal(), {})
        line = day.get(kind)
        if line is None:
            line = day[kind] = MoneyDay()
        if not line.ids.add(event_id):
            return False
        line.count += 1
        line.total += amount
        return True

    def by_kind(self, period: Period) -> dict[str, MoneyTotal]:
        """Kind -> lines and their sum within the period (kinds in name order)."""
        totals: dict[str, tuple[int, Decimal]] = {}
        for _, kinds in days_in(self.days, period):
            for kind, line in kinds.items():
                count, total = totals.get(kind, (0, Decimal(0)))
                totals[kind] = (count + line.count, total + line.total)
        return {k: MoneyTotal(*totals[k]) for k in sorted(totals)}

    def ids(self, period: Period, kinds: frozenset[str] | None = None) -> Iterator[str]:
        """The event ids of the lines within the period (of the given kinds, or all)."""
        for _, by_kind in days_in(self.days, period):
            for kind, line in by_kind.items():
                if kinds is None or kind in kinds:
                    yield from line.ids
