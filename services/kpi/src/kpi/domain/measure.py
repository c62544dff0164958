"""A computed number with what it was computed from: counts and the ids of the events behind it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import cached_property

RATIO = Decimal("0.0001")
HOURS = Decimal("0.01")


Ids = Iterable[str] | Callable[[], Iterable[str]]
"""The event ids behind a figure, or how to list them: listed only when asked (a drill-down), as a
scorecard of a busy park stands on tens of thousands of facts."""


@dataclass(frozen=True)
class Measure:
    value: Decimal | None
    counts: dict[str, int | Decimal] = field(default_factory=dict)
    ids: Ids = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, value: Decimal | None, counts: dict[str, int | Decimal], event_ids: Ids) -> "Measure":
        return cls(value, counts, event_ids)

    @cached_property
    def event_ids(self) -> tuple[str, ...]:
        """The distinct event ids behind the figure, sorted."""
        ids = self.ids() if callable(self.ids) else self.ids
        return tuple(sorted(set(ids)))


def ratio(part: Decimal | int, whole: Decimal | int, rounding: str = ROUND_HALF_EVEN) -> Decimal | None:
    """None when there is nothing to divide by: a KPI without data is not scored, not zero. Rounded to 4
    places as the figure's owner rounds it: half-even by default (leasing's occupancy), half-up for
    finance's ratios (`money_ratio`)."""
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=rounding) if whole else None


def money_ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """A ratio of finance's money figures, rounded half-up to 4 places as finance's revenue report
    rounds it (docs/domain.md, Revenue report), so kpi shows finance's figure (100 / 3200 = 0.0313)."""
    return ratio(part, whole, ROUND_HALF_UP)
