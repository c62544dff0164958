"""Low-efficiency space on a day: units vacant longer than N days, tenants paying too little tax per m².

A unit is vacant since the later of its listing and the day after a lease last occupied it (leasing's
`UnitOccupied` spans, as occupancy). Tax per m² is
the tenant's latest reported tax for the last complete year over the area it leased at onboarding."""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import LowEfficiencySpaceFlagged
from parkops_kernel.errors import Conflict
from parkops_kernel.money import cny

from kpi.domain.commands import ScanForLowEfficiency
from kpi.domain.tenancy import TenancyView


@dataclass(frozen=True)
class Flag:
    reason: str
    unit_id: str | None
    tenant_id: str | None
    vacant_days: int | None
    tax_per_m2: Decimal | None
    threshold: Decimal
    event_ids: tuple[str, ...]


def _last_occupied(view: TenancyView, day: date) -> dict[str, date]:
    """Unit id -> the last day up to `day` that a lease's latest span (leasing's figure) covered it."""
    last: dict[str, date] = {}
    for span in view.ledger.occupancy.values():
        if span.occupied_from <= day:
            end = min(span.occupied_until, day)
            last[span.unit_id] = max(last.get(span.unit_id, end), end)
    return last


def vacant_units(view: TenancyView, day: date, max_vacant_days: int) -> list[Flag]:
    occupied = view.occupied_units(day)
    last = _last_occupied(view, day)
    flags = []
    for unit in sorted(view.ledger.units.values(), key=lambda u: u.unit_id):
        if unit.listed_on > day or unit.unit_id in occupied:
            continue
        since = unit.listed_on
        if unit.unit_id in last:
            since = max(since, last[unit.unit_id] + timedelta(days=1))
        days = (day - since).days
        if days > max_vacant_days:
            flags.append(
                Flag(
                    "vacant_too_long",
                    unit.unit_id,
                    None,
                    days,
                    None,
                    Decimal(max_vacant_days),
                    (unit.event_id,),
                )
            )
    return flags


def low_tax_tenants(view: TenancyView, day: date, min_tax_per_m2: Decimal) -> list[Flag]:
    """Last year's tax ÷ the area the tenant's leases occupy on `day` (none occupied: not judged)."""
    flags = []
    occupied = view.area_by_tenant(day)
    for tenant in sorted(view.active_tenants(day), key=lambda t: t.tenant_id):
        report = view.ledger.tax_reports.get((tenant.tenant_id, day.year - 1))
        area = occupied.get(tenant.tenant_id, Decimal(0))
        if report is None or area <= 0:
            continue
        per_m2 = cny(report.tax_paid / area)
        if per_m2 < min_tax_per_m2:
            flags.append(
                Flag(
                    "low_tax_per_m2",
                    None,
                    tenant.tenant_id,
                    None,
                    per_m2,
                    min_tax_per_m2,
                    (tenant.event_id, report.event_id),
                )
            )
    return flags


def flagged(view: TenancyView, scan: ScanForLowEfficiency) -> list[LowEfficiencySpaceFlagged]:
    """The events of a scan: one per unit vacant too long, one per tenant paying too little tax per m²."""
    ledger, as_of = view.ledger, scan.as_of
    flags = vacant_units(view, as_of, scan.max_vacant_days) + low_tax_tenants(
        view, as_of, scan.min_tax_per_m2
    )
    return [
        LowEfficiencySpaceFlagged(
            park_id=ledger.park_id,
            group_id=ledger.group_id,
            flag_id=f"{ledger.park_id}:{as_of}:{f.unit_id or f.tenant_id}",
            as_of=as_of,
            flagged_at=scan.author.at,
            **{k: v for k, v in asdict(f).items() if k != "event_ids"},  # the flag's figures
        )
        for f in flags
    ]


@dataclass
class LowEfficiencyScan:
    """A park's scan as of a day: made once (its flags published with it), then immutable."""

    park_id: str
    group_id: str
    as_of: date
    flags: list[dict[str, Any]] | None = None
    """The published flags as JSON; None until scanned."""
    events: list[Event] = field(default_factory=list)
    """Recorded, not yet handed to the outbox."""

    def record(self, flags: list[LowEfficiencySpaceFlagged]) -> None:
        if self.flags is not None:
            raise Conflict(f"park {self.park_id} was already scanned as of {self.as_of}")
        self.flags = [f.model_dump(mode="json") for f in flags]
        self.events.extend(flags)
