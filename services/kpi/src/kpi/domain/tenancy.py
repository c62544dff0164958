"""Who occupies what on a given day, derived from onboardings, leases, renewals and terminations.

A tenant is active from its onboarding day to the last day of its latest lease (terminated early or
not); a tenant without any lease stays active. A unit is occupied on a day when a lease covers it that
day or it was an onboarding unit of a tenant active that day."""

from datetime import date

from kpi.domain.ledger import ParkLedger
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
        """Unit id -> the id of the event that puts someone in it that day."""
        occupied: dict[str, str] = {}
        for tenant in self.active_tenants(day):
            occupied.update(dict.fromkeys(tenant.unit_ids, tenant.event_id))
        for lease in self.ledger.leases.values():
            if lease.starts_on <= day <= self.lease_end(lease):
                occupied.update(dict.fromkeys(lease.unit_ids, lease.event_id))
        return occupied

    def occupied_area(self, day: date) -> tuple[dict[str, str], dict[str, str]]:
        """(listed units by id -> listing event, occupied listed units -> occupying event) on `day`."""
        listed = {u.unit_id: u.event_id for u in self.ledger.units.values() if u.listed_on <= day}
        occupied = {u: e for u, e in self.occupied_units(day).items() if u in listed}
        return listed, occupied
