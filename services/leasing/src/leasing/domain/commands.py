"""The commands of a park, as the service receives them: what was asked, nothing of who or when.

Frozen dataclasses, so a command is a value: it is what an `Idempotency-Key` is compared on, and the
domain's operations take one command instead of a long list of arguments."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from parkops_contracts.events.leasing import ParkType, TerminationReason, UnitType

from leasing.domain.commitments import Promise
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import RentForEquity
from leasing.domain.tenants import EnterpriseProfile, YearlyMetrics


@dataclass(frozen=True)
class RegisterPark:
    group_id: str
    name: str
    park_type: ParkType
    leading_industries: list[str]
    park_id: str | None = None  # None: the service picks one (from the Idempotency-Key when given)


@dataclass(frozen=True)
class ListUnit:
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    listed_on: date | None = None  # the business date it came on the market (None: today)


@dataclass(frozen=True)
class OnboardTenant:
    profile: EnterpriseProfile
    unit_ids: list[str]  # the units it asks for: a lease, not the onboarding, occupies them
    onboarded_on: date | None = None  # the business date (None: today)


@dataclass(frozen=True)
class SetPricingPolicy:
    policy: PricingPolicy


@dataclass(frozen=True)
class RegisterCommitment:
    promise: Promise
    commitment_id: str | None = None  # None: the register names it


@dataclass(frozen=True)
class SignLease:
    """Also what a quote asks: the lease the park would sign today on these terms."""

    tenant_id: str
    unit_ids: list[str]
    term_months: int
    starts_on: date
    rent_for_equity: RentForEquity | None = None


QuoteLease = SignLease


@dataclass(frozen=True)
class RenewLease:
    lease_id: str
    term_months: int
    rent_for_equity: RentForEquity | None = None


@dataclass(frozen=True)
class TerminateLease:
    lease_id: str
    terminated_on: date
    reason: TerminationReason


@dataclass(frozen=True)
class StartRenovation:
    unit_id: str


@dataclass(frozen=True)
class RenovateUnit:
    unit_id: str
    base_rent: Decimal


@dataclass(frozen=True)
class ReportMetrics:
    tenant_id: str
    metrics: YearlyMetrics
