"""A computed number with what it was computed from: counts and the ids of the events behind it."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

RATIO = Decimal("0.0001")
HOURS = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    value: Decimal | None
    counts: dict[str, int | Decimal] = field(default_factory=dict)
    event_ids: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, value: Decimal | None, counts: dict[str, int | Decimal], event_ids: Iterable[str]
    ) -> "Measure":
        return cls(value, counts, tuple(sorted(set(event_ids))))


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """None when there is nothing to divide by: a KPI without data is not scored, not zero."""
    return (Decimal(part) / Decimal(whole)).quantize(RATIO) if whole else None
