"""The facts a park's KPIs are computed from, one small record per event, each naming its event id."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class UnitRecord:
    unit_id: str
    area_m2: Decimal
    listed_on: date
    event_id: str


@dataclass(frozen=True)
class TenantRecord:
    tenant_id: str
    onboarded_on: date
    in_leading_industry: bool
    leased_area_m2: Decimal
    unit_ids: tuple[str, ...]
    event_id: str


@dataclass(frozen=True)
class LeaseRecord:
    lease_id: str
    tenant_id: str
    unit_ids: tuple[str, ...]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    previous_lease_id: str | None
    event_id: str


@dataclass(frozen=True)
class TerminationRecord:
    lease_id: str
    tenant_id: str
    terminated_on: date
    event_id: str


@dataclass(frozen=True)
class TaxReport:
    """A tenant's figures for one year; the latest report (by `reported_at`, then id) wins."""

    tenant_id: str
    year: int
    tax_paid: Decimal
    funding_raised: Decimal
    reported_at: datetime
    event_id: str


@dataclass(frozen=True)
class Resolution:
    """A ticket's latest resolution (a reopened ticket is resolved again; the latest wins)."""

    ticket_id: str
    repair: bool
    resolved_at: datetime
    response_seconds: int
    resolution_seconds: int
    sla_met: bool
    event_id: str


@dataclass(frozen=True)
class Rating:
    ticket_id: str
    score: int
    rated_on: date
    event_id: str


@dataclass(frozen=True)
class MoneyLine:
    """An amount on a day: revenue of a stream, a subsidy, a deal's value or a financing closed."""

    kind: str
    amount: Decimal
    on: date
    event_id: str
