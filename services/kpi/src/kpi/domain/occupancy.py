"""Occupancy of a park, folded from leasing events.

The fold is order-independent: events of different topics arrive in no fixed order (a tenant may be
seen before the units it occupies), so it keeps sets and sums that converge whatever the order."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded, UnitListed

AREA = Decimal("0.01")
RATIO = Decimal("0.0001")


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole).quantize(RATIO) if whole else Decimal(0).quantize(RATIO)


@dataclass
class ParkOccupancy:
    park_id: str
    group_id: str
    name: str | None = None
    unit_areas: dict[str, Decimal] = field(default_factory=dict)
    leased_units: dict[str, str] = field(default_factory=dict)
    tenant_areas: dict[str, Decimal] = field(default_factory=dict)
    events_applied: int = 0
    as_of: datetime | None = None

    def apply(self, event: Event, at: datetime) -> None:
        match event:
            case ParkRegistered():
                self.name = event.name
            case UnitListed():
                self.unit_areas[event.unit_id] = event.area_m2
            case TenantOnboarded():
                self.tenant_areas[event.tenant_id] = event.leased_area_m2
                self.leased_units.update(dict.fromkeys(event.unit_ids, event.tenant_id))
        self.events_applied += 1
        self.as_of = at if self.as_of is None else max(self.as_of, at)

    @property
    def area_total_m2(self) -> Decimal:
        return sum(self.unit_areas.values(), Decimal(0)).quantize(AREA)

    @property
    def area_leased_m2(self) -> Decimal:
        return sum(self.tenant_areas.values(), Decimal(0)).quantize(AREA)

    @property
    def occupancy_by_area(self) -> Decimal:
        return _ratio(self.area_leased_m2, self.area_total_m2)

    @property
    def occupancy_by_count(self) -> Decimal:
        return _ratio(Decimal(len(self.leased_units)), Decimal(len(self.unit_areas)))
