"""Occupancy of a park on a day: leasing's figure, folded from its `UnitOccupied` spans.

A unit is occupied on a day when the latest span of some lease for it (per lease and unit: a termination
republishes it with an earlier end) covers that day; a lease that runs out frees the unit the day after
its span ends, and a tenant onboarded without a lease occupies nothing. Occupancy by area is the listed
area of the occupied units over the area of the units listed by that day; by count, units over units.

`ParkOccupancy` is the park's live header (name, facts applied, time of the latest)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered

from kpi.domain.records import OccupancySpan, UnitRecord

AREA = Decimal("0.01")
RATIO = Decimal("0.0001")


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole).quantize(RATIO) if whole else Decimal(0).quantize(RATIO)


def occupied_units(spans: Mapping[tuple[str, str], OccupancySpan], day: date) -> dict[str, OccupancySpan]:
    """Unit id -> the span that occupies it on `day` (of several, the latest to start, then by lease)."""
    occupied: dict[str, OccupancySpan] = {}
    for span in sorted(spans.values(), key=lambda s: (s.occupied_from, s.lease_id)):
        if span.covers(day):
            occupied[span.unit_id] = span
    return occupied


@dataclass(frozen=True)
class OccupancyOn:
    """Listed units and the occupied ones among them, on one day."""

    day: date
    listed: dict[str, UnitRecord]
    occupied: dict[str, OccupancySpan]

    @classmethod
    def of(
        cls, units: Mapping[str, UnitRecord], spans: Mapping[tuple[str, str], OccupancySpan], day: date
    ) -> "OccupancyOn":
        listed = {u.unit_id: u for u in units.values() if u.listed_on <= day}
        occupied = {u: s for u, s in occupied_units(spans, day).items() if u in listed}
        return cls(day, listed, occupied)

    @property
    def area_total_m2(self) -> Decimal:
        return sum((u.area_m2 for u in self.listed.values()), Decimal(0)).quantize(AREA)

    @property
    def area_occupied_m2(self) -> Decimal:
        return sum((self.listed[u].area_m2 for u in self.occupied), Decimal(0)).quantize(AREA)

    @property
    def tenants(self) -> int:
        return len({s.tenant_id for s in self.occupied.values()})

    @property
    def by_area(self) -> Decimal:
        return _ratio(self.area_occupied_m2, self.area_total_m2)

    @property
    def by_count(self) -> Decimal:
        return _ratio(Decimal(len(self.occupied)), Decimal(len(self.listed)))


@dataclass
class ParkOccupancy:
    park_id: str
    group_id: str
    name: str | None = None
    events_applied: int = 0
    as_of: datetime | None = None

    def apply(self, event: Event, at: datetime) -> None:
        if isinstance(event, ParkRegistered):
            self.name = event.name
        self.events_applied += 1
        self.as_of = at if self.as_of is None else max(self.as_of, at)
