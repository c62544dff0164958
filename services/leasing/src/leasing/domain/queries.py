"""Read-side questions about one park, as of a date: rent roll, occupancy, renewals due, vacancy."""

from datetime import date, timedelta
from decimal import Decimal

from parkops_kernel.money import ZERO
from pydantic import BaseModel

from leasing.domain.lease import Lease, LeaseStatus
from leasing.domain.park import Park
from leasing.domain.space import Unit, UnitStatus

RATIO = Decimal("0.0001")


class RentRollLine(BaseModel):
    lease_id: str
    tenant_id: str
    tenant_name: str
    unit_ids: list[str]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    monthly_rent: Decimal
    remaining_rent: Decimal


class Occupancy(BaseModel):
    on: date
    units_total: int
    units_occupied: int
    area_total_m2: Decimal
    area_occupied_m2: Decimal
    occupancy_by_count: Decimal
    occupancy_by_area: Decimal


class Vacancy(BaseModel):
    unit_id: str
    vacant_days: int
    window_days: int


def rent_roll(park: Park, on: date) -> list[RentRollLine]:
    """Every lease occupying units on `on`, with the rent of that lease month and what remains, as
    billed: a terminated lease's last month prorated, nothing after it (`Lease.rent_due`)."""
    lines = []
    for lease in sorted(_occupying(park, on), key=lambda x: (x.starts_on, x.lease_id)):
        month = lease.month_index(on) or 0
        lines.append(
            RentRollLine(
                lease_id=lease.lease_id,
                tenant_id=lease.tenant_id,
                tenant_name=park.tenants[lease.tenant_id].name,
                unit_ids=lease.unit_ids,
                area_m2=lease.area_m2,
                starts_on=lease.starts_on,
                ends_on=lease.last_day,
                monthly_rent=lease.rent_due(month),
                remaining_rent=lease.rent_from(month),
            )
        )
    return lines


def occupancy(park: Park, on: date) -> Occupancy:
    """Share of listed units and area occupied on `on` (a unit is occupied on a day a lease covers it;
    onboarding occupies nothing)."""
    units = [u for u in park.units.values() if u.listed_on is None or u.listed_on <= on]
    taken = occupied_unit_ids(park, on)
    area = sum((u.area_m2 for u in units), Decimal(0))
    area_taken = sum((u.area_m2 for u in units if u.unit_id in taken), Decimal(0))
    count_taken = sum(1 for u in units if u.unit_id in taken)
    return Occupancy(
        on=on,
        units_total=len(units),
        units_occupied=count_taken,
        area_total_m2=area,
        area_occupied_m2=area_taken,
        occupancy_by_count=(Decimal(count_taken) / len(units)).quantize(RATIO) if units else ZERO,
        occupancy_by_area=(area_taken / area).quantize(RATIO) if area else ZERO,
    )


def expiring(park: Park, on: date, within_days: int) -> list[Lease]:
    """Active leases (not renewed, not terminated) whose term ends within `within_days` of `on`."""
    last = on + timedelta(days=within_days)
    found = [x for x in park.leases.values() if x.status is LeaseStatus.ACTIVE and on <= x.ends_on <= last]
    return sorted(found, key=lambda x: (x.ends_on, x.lease_id))


def vacancy_days(park: Park, first: date, last: date) -> list[Vacancy]:
    """Days each unit stood empty between `first` and `last` (inclusive), counted from its listing."""
    return [_vacancy(park, unit, first, last) for unit in park.units.values()]


def unit_status(park: Park, unit: Unit, on: date) -> UnitStatus:
    """Derived on the day from the leases (a lease that ran out frees the unit the next day)."""
    if unit.renovating:
        return UnitStatus.RENOVATING
    if occupant(park, unit.unit_id, on):
        return UnitStatus.LEASED
    later = any(unit.unit_id in x.unit_ids and x.starts_on > on for x in park.leases.values())
    return UnitStatus.RESERVED if later else UnitStatus.AVAILABLE


def occupant(park: Park, unit_id: str, on: date) -> str | None:
    """The tenant whose lease covers the unit on `on`, if any."""
    return next((x.tenant_id for x in _occupying(park, on) if unit_id in x.unit_ids), None)


def occupied_unit_ids(park: Park, on: date) -> set[str]:
    """The units a lease covers on `on`: only leases occupy (an onboarding without a lease does not)."""
    return {u for lease in _occupying(park, on) for u in lease.unit_ids}


def _occupying(park: Park, on: date) -> list[Lease]:
    return [x for x in park.leases.values() if x.occupies(on)]


def covered_days(park: Park, unit: Unit, first: date, last: date) -> int:
    """Days from `first` to `last` (inclusive) on which a lease covers the unit."""
    spans = [
        (max(x.starts_on, first), min(x.last_day, last))
        for x in park.leases.values()
        if unit.unit_id in x.unit_ids and x.overlaps(first, last)
    ]
    covered, reach = 0, first - timedelta(days=1)
    for span_first, span_last in sorted(spans):
        span_first = max(span_first, reach + timedelta(days=1))
        if span_last >= span_first:
            covered += (span_last - span_first).days + 1
            reach = span_last
    return covered


def _vacancy(park: Park, unit: Unit, first: date, last: date) -> Vacancy:
    start = max(first, unit.listed_on or first)
    window = max((last - start).days + 1, 0)
    covered = covered_days(park, unit, start, last) if window else 0
    return Vacancy(unit_id=unit.unit_id, vacant_days=window - covered, window_days=window)
