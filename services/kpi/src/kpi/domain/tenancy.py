"""Who is a tenant and what is occupied on a given day.

A tenant is active from its onboarding day to the last day of its latest lease (terminated early or
not); a tenant without any lease stays active. What is occupied is leasing's figure, not a rule of kpi's:
a unit is occupied on a day when the latest `UnitOccupied` span of some lease for it covers that day
(`kpi.domain.occupancy`); a tenant onboarded without a lease occupies nothing."""

from datetime import date
from decimal import Decimal

from kpi.domain.ledger import ParkLedger
from kpi.domain.occupancy import OccupancyOn, occupied_units
from kpi.domain.records import LeaseRecord, TenantRecord


class TenancyView:
    def __init__(self, ledger: ParkLedger) -> None:
        self.ledger = ledger
        self.tenant_end: dict[str, date] = {}
        self.renewed: set[str] = set()
        for lease in ledger.leases.values():
            end = self.lease_end(lease)
            previous = self.tenant_end.get(lease.tenant_id)
            self.tenant_end[lease.tenant_id] = end if previous is None else max(previous, end)
            if lease.previous_lease_id:
                self.renewed.add(lease.previous_lease_id)

    def lease_end(self, lease: LeaseRecord) -> date:
        termination = self.ledger.terminations.get(lease.lease_id)
        return min(lease.ends_on, termination.terminated_on) if termination else lease.ends_on

    def active(self, tenant: TenantRecord, day: date) -> bool:
        end = self.tenant_end.get(tenant.tenant_id)
        return tenant.onboarded_on <= day and (end is None or day <= end)

    def active_tenants(self, day: date) -> list[TenantRecord]:
        return [t for t in self.ledger.tenants.values() if self.active(t, day)]

    def exit_day(self, tenant: TenantRecord) -> date | None:
        return self.tenant_end.get(tenant.tenant_id)

    def occupied_units(self, day: date) -> dict[str, str]:
        """Unit id -> the id of the `UnitOccupied` event that puts someone in it that day."""
        return {unit: span.event_id for unit, span in occupied_units(self.ledger.occupancy, day).items()}

    def area_by_tenant(self, day: date) -> dict[str, Decimal]:
        """Tenant id -> the listed area of the units its leases occupy on `day` (leasing's spans); a
        tenant whose leases cover nothing that day (or that has none) occupies nothing and is absent."""
        on = OccupancyOn.of(self.ledger.units, self.ledger.occupancy, day)
        area: dict[str, Decimal] = {}
        for unit, span in on.occupied.items():
            area[span.tenant_id] = area.get(span.tenant_id, Decimal(0)) + on.listed[unit].area_m2
        return area

    def occupied_area(self, day: date) -> tuple[dict[str, str], dict[str, str]]:
        """(listed units by id -> listing event, occupied listed units -> occupying event) on `day`."""
        on = OccupancyOn.of(self.ledger.units, self.ledger.occupancy, day)
        listed = {u: record.event_id for u, record in on.listed.items()}
        return listed, {u: span.event_id for u, span in on.occupied.items()}
