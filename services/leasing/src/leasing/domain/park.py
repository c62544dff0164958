"""The Park aggregate: a park with its units, its tenants and their leases.

One park is one consistency boundary: listing a unit, letting it by a lease and keeping credit codes
unique in the park are checked and changed together, so one atomic document write keeps them consistent
without multi-document transactions (across the parks of a group, a credit code is kept by its own
aggregate, `leasing.domain.tenancy.CreditCodeClaim`). Only leases occupy units. Methods record events;
they never publish."""

from dataclasses import asdict
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TypeVar

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, ParkType, TenantOnboarded, UnitListed
from parkops_kernel.errors import Conflict, NotFound, Unprocessable
from parkops_kernel.recording import RecordsEvents
from pydantic import Field

from leasing.domain.commands import ListUnit, OnboardTenant, RegisterPark
from leasing.domain.commitments import Commitment
from leasing.domain.lease import Lease
from leasing.domain.policy import PricingPolicy
from leasing.domain.space import Unit, UnitStatus
from leasing.domain.tenancy import current_tenant
from leasing.domain.tenants import EnterpriseProfile, Tenant

__all__ = ["EnterpriseProfile", "Park", "Tenant", "Unit", "UnitStatus"]
T = TypeVar("T")


# What TenantOnboarded says of the tenant, each under the tenant's own field name.
ONBOARDED_FIELDS = {
    "tenant_id",
    "name",
    "credit_code",
    "industry_code",
    "in_leading_industry",
    "high_tech",
    "founded_on",
    "headcount",
    "unit_ids",
    "onboarded_at",
    "onboarded_on",
}


class Park(RecordsEvents[Event]):
    park_id: str
    group_id: str
    name: str
    park_type: ParkType
    leading_industries: list[str]
    units: dict[str, Unit] = Field(default_factory=dict)
    tenants: dict[str, Tenant] = Field(default_factory=dict)
    pricing_policy: PricingPolicy = Field(default_factory=PricingPolicy)
    commitments: dict[str, Commitment] = Field(default_factory=dict)
    leases: dict[str, Lease] = Field(default_factory=dict)
    registered_at: datetime | None = None  # None: stored before registration times were kept

    @classmethod
    def register(cls, command: RegisterPark, park_id: str, at: datetime) -> "Park":
        facts = {
            "park_id": park_id,
            "group_id": command.group_id,
            "name": command.name,
            "park_type": command.park_type,
            "leading_industries": command.leading_industries,
        }
        park = cls.model_validate({**facts, "registered_at": at})
        park._events.append(ParkRegistered.model_validate({**facts, "registered_at": at}))
        return park

    def with_leases(self, leases: dict[str, Lease]) -> "Park":
        """This park seen with `leases` (kept in their own aggregates, `leasing.domain.lease_file`): for
        the rules and reads that look at leases. Its own events; units, tenants and leases shared."""
        seen = self.model_copy(update={"leases": leases})
        seen._events = []  # a copy shares its original's list
        return seen

    def is_leading_industry(self, industry_code: str) -> bool:
        """Industry codes are hierarchical (GB/T 4754): `C3973` belongs to a leading `C39`."""
        return any(industry_code.startswith(code) for code in self.leading_industries)

    def list_unit(self, command: ListUnit, unit_id: str, at: datetime) -> Unit:
        building, unit_number = command.building, command.unit_number
        clash = next(
            (u for u in self.units.values() if (u.building, u.unit_number) == (building, unit_number)), None
        )
        if clash:
            raise Conflict(f"unit {unit_number} in building {building} is already listed as {clash.unit_id}")
        listed_on = command.listed_on or at.date()
        if listed_on > at.date():
            raise Unprocessable(f"listed_on: {listed_on} is after today ({at.date()})", field="listed_on")
        facts = asdict(command) | {"listed_on": listed_on}
        unit = Unit(unit_id=unit_id, **facts)
        self.units[unit_id] = unit
        ids = {"park_id": self.park_id, "group_id": self.group_id, "unit_id": unit_id}
        # a unit listed on an earlier business day (an imported park) is listed from that day's start
        listed_at = at if listed_on == at.date() else datetime.combine(listed_on, time.min, UTC)
        listing = {k: v for k, v in facts.items() if k != "listed_on"}
        self._events.append(UnitListed.model_validate({**ids, **listing, "listed_at": listed_at}))
        return unit

    def onboard_tenant(self, command: OnboardTenant, tenant_id: str, at: datetime) -> Tenant:
        """Register an enterprise as a tenant of this park on `onboarded_on` (default: today, never after
        it). It occupies nothing: its `unit_ids` are the units it asks for, occupied (and billed, and on
        the rent roll) only once a lease covers them."""
        profile, unit_ids, today = command.profile, command.unit_ids, at.date()
        onboarded_on = command.onboarded_on or today
        if onboarded_on > today:
            raise Unprocessable(
                f"onboarded_on: {onboarded_on} is after today ({today})", field="onboarded_on"
            )
        units = self._units_to_onboard(profile, unit_ids, onboarded_on)
        tenant = Tenant(
            tenant_id=tenant_id,
            unit_ids=unit_ids,
            onboarded_at=at,
            onboarded_on=onboarded_on,
            in_leading_industry=self.is_leading_industry(profile.industry_code),
            **profile.model_dump(),
        )
        self.tenants[tenant_id] = tenant
        area = sum((u.area_m2 for u in units), Decimal(0))  # asked for, not occupied
        facts = tenant.model_dump(include=ONBOARDED_FIELDS)
        ids = {"park_id": self.park_id, "group_id": self.group_id, "leased_area_m2": area}
        self._events.append(TenantOnboarded.model_validate(ids | facts))
        return tenant

    def _units_to_onboard(self, profile: EnterpriseProfile, unit_ids: list[str], day: date) -> list[Unit]:
        """The units an enterprise asks for: each once, not under renovation, not let to another tenant
        on or after `day`; the enterprise not already a tenant here (its credit code is unique in the
        park; across the group, see `leasing.domain.tenancy`)."""
        same_code = next((t for t in self.tenants.values() if t.credit_code == profile.credit_code), None)
        if same_code:
            raise Conflict(
                f"credit code {profile.credit_code} is already a tenant of this park: {same_code.tenant_id}"
            )
        if len(set(unit_ids)) != len(unit_ids):
            raise Conflict("unit_ids lists a unit more than once")
        units = [self.unit(unit_id) for unit_id in unit_ids]
        leased = {u for x in self.leases.values() if x.last_day >= day for u in x.unit_ids}
        taken = [u.unit_id for u in units if u.renovating or u.unit_id in leased]
        if taken:
            raise Conflict(f"units not available: {', '.join(taken)}")
        return units

    def current_tenant(self, credit_code: str, on: date) -> Tenant | None:
        """The tenant of this park with `credit_code` that has not left by `on`, if any."""
        return current_tenant(self.tenants.values(), self.leases.values(), credit_code, on)

    def unit(self, unit_id: str) -> Unit:
        return self._member(self.units, unit_id, "unit")

    def tenant(self, tenant_id: str) -> Tenant:
        return self._member(self.tenants, tenant_id, "tenant")

    def lease(self, lease_id: str) -> Lease:
        return self._member(self.leases, lease_id, "lease")

    def _member(self, members: dict[str, T], member_id: str, what: str) -> T:
        try:
            return members[member_id]
        except KeyError:
            # Worded like `ParkAccess.require_own`: another enterprise's object reads as a missing one.
            raise NotFound(f"{what} {member_id} not found") from None

    def record(self, event: Event) -> None:
        """Record an event of a change made by one of the park's domain operations."""
        self._events.append(event)
