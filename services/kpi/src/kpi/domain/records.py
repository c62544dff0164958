"""The facts a park's KPIs are computed from, one small record per event, each naming its event id."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UnitRecord:
    unit_id: str
    area_m2: Decimal
    listed_on: date
    event_id: str


@dataclass(frozen=True, slots=True)
class TenantRecord:
    tenant_id: str
    onboarded_on: date
    in_leading_industry: bool
    leased_area_m2: Decimal
    unit_ids: tuple[str, ...]
    event_id: str


@dataclass(frozen=True, slots=True)
class LeaseRecord:
    lease_id: str
    tenant_id: str
    unit_ids: tuple[str, ...]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    previous_lease_id: str | None
    event_id: str


@dataclass(frozen=True, slots=True)
class TerminationRecord:
    lease_id: str
    tenant_id: str
    terminated_on: date
    event_id: str


@dataclass(frozen=True, slots=True)
class TaxReport:
    """A tenant's figures for one year; the latest report (by `reported_at`, then id) wins."""

    tenant_id: str
    year: int
    tax_paid: Decimal
    funding_raised: Decimal
    reported_at: datetime
    event_id: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """A ticket's latest resolution (a reopened ticket is resolved again; the latest wins)."""

    ticket_id: str
    repair: bool
    resolved_at: datetime
    response_seconds: int
    resolution_seconds: int
    sla_met: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class Rating:
    """A rating of one resolution of a ticket (a reopened ticket resolved again is rated again)."""

    ticket_id: str
    resolution: int
    score: int
    rated_at: datetime
    event_id: str

    @property
    def rated_on(self) -> date:
        return self.rated_at.date()


@dataclass(frozen=True, slots=True)
class OccupancySpan:
    """Leasing's `UnitOccupied`: a lease occupies a unit from `occupied_from` to `occupied_until`
    (inclusive); the latest one per lease and unit (by publication time, then event id) holds."""

    lease_id: str
    unit_id: str
    tenant_id: str
    area_m2: Decimal
    occupied_from: date
    occupied_until: date
    published_at: datetime
    event_id: str

    def covers(self, day: date) -> bool:
        return self.occupied_from <= day <= self.occupied_until


@dataclass(frozen=True, slots=True)
class DealRecord:
    """Matchmaking's `DealClosed` as the parties reported it: value, estimated saving (CNY and %)."""

    proposal_id: str
    value: Decimal
    saving: Decimal
    saving_percent: Decimal | None
    on: date
    event_id: str


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """An amount on a day: revenue recognised in a stream, a cost, the park's subsidy, a financing closed."""

    kind: str
    amount: Decimal
    on: date
    event_id: str
