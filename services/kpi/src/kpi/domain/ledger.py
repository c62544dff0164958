"""A park's facts, folded from every service's events.

Order-independent: each record is keyed by what identifies it (unit, tenant, lease, ticket, invoice...)
and "latest wins" rules compare the facts' own timestamps (then event ids), never the arrival order; so
events of different topics may arrive in any order and a rebuild gives the same ledger."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from parkops_contracts.base import Event
from parkops_contracts.events import finance as fin
from parkops_contracts.events import leasing as ls
from parkops_contracts.events import matchmaking as mm
from parkops_contracts.events import tickets as tk

from kpi.domain.days import MoneyDays
from kpi.domain.records import (
    DealRecord,
    LeaseRecord,
    MoneyLine,
    OccupancySpan,
    TaxReport,
    TenantRecord,
    TerminationRecord,
    UnitRecord,
)
from kpi.domain.tickets_book import TicketBook

CONSUMED: tuple[type[Event], ...] = (
    ls.ParkRegistered,
    ls.UnitListed,
    ls.TenantOnboarded,
    ls.LeaseSigned,
    ls.LeaseRenewed,
    ls.LeaseTerminated,
    ls.TenantMetricsReported,
    ls.UnitOccupied,
    tk.TicketResolved,
    tk.TicketReopened,
    tk.TicketRated,
    fin.RevenueRecognized,
    fin.CostRecognized,
    fin.SubsidyReceived,
    fin.FundingClosed,
    mm.MatchAccepted,
    mm.DealClosed,
)


Later = TaxReport | OccupancySpan


def _later(new: Later, old: Later | None, at: str) -> bool:
    if old is None:
        return True
    return (getattr(new, at), new.event_id) > (getattr(old, at), old.event_id)


@dataclass
class ParkLedger:
    park_id: str
    group_id: str
    park_type: ls.ParkType | None = None
    units: dict[str, UnitRecord] = field(default_factory=dict)
    tenants: dict[str, TenantRecord] = field(default_factory=dict)
    leases: dict[str, LeaseRecord] = field(default_factory=dict)
    terminations: dict[str, TerminationRecord] = field(default_factory=dict)
    tax_reports: dict[tuple[str, int], TaxReport] = field(default_factory=dict)
    tickets: TicketBook = field(default_factory=TicketBook)
    """Each ticket's latest resolution and ratings, and their per-day totals."""
    occupancy: dict[tuple[str, str], OccupancySpan] = field(default_factory=dict)
    """(lease, unit) -> the latest span leasing published."""
    revenue: MoneyDays = field(default_factory=MoneyDays)
    """Recognitions by stream and day (each one counts, reversals negative)."""
    costs: MoneyDays = field(default_factory=MoneyDays)
    """Costs finance recognised, by kind and day."""
    subsidies: dict[str, MoneyLine] = field(default_factory=dict)
    """Subsidy id -> the park's own subsidy received."""
    funding: dict[str, MoneyLine] = field(default_factory=dict)
    matches: dict[str, MoneyLine] = field(default_factory=dict)
    deals: dict[str, DealRecord] = field(default_factory=dict)
    version: int = 0

    def apply(self, event: Event, event_id: str, published_at: datetime) -> bool:
        """Fold one fact; `published_at` is its envelope's time (what "latest" means for spans). False,
        and nothing changed, for a fact that is already there under the same event id (a second
        delivery of a fact counted once, whatever its age: a line, a ticket's resolution or rating)."""
        if event.SERVICE == "leasing":
            self._tenancy(event, event_id, published_at)
        elif event.SERVICE == "tickets":
            if not self._service(event, event_id):
                return False
        elif not self._money(event, event_id):  # each folds the events it knows, passes over the rest
            return False
        self.version += 1
        return True

    def _tenancy(self, event: Event, event_id: str, published_at: datetime) -> None:
        """Leasing's facts: the park, its units, tenants, leases and tenants' yearly figures."""
        match event:
            case ls.ParkRegistered():
                self.park_type = event.park_type
            case ls.UnitListed():
                self.units[event.unit_id] = UnitRecord(
                    event.unit_id, event.area_m2, event.listed_at.date(), event_id
                )
            case ls.TenantOnboarded():
                self.tenants[event.tenant_id] = TenantRecord(
                    event.tenant_id,
                    event.onboarded_on or event.onboarded_at.date(),  # the business date when given
                    event.in_leading_industry,
                    event.leased_area_m2,
                    tuple(event.unit_ids),
                    event_id,
                )
            case ls.LeaseSigned() | ls.LeaseRenewed():
                previous = event.previous_lease_id if isinstance(event, ls.LeaseRenewed) else None
                self.leases[event.lease_id] = LeaseRecord(
                    event.lease_id,
                    event.tenant_id,
                    tuple(event.unit_ids),
                    event.leased_area_m2,
                    event.starts_on,
                    event.ends_on,
                    previous,
                    event_id,
                )
            case ls.LeaseTerminated():
                self.terminations[event.lease_id] = TerminationRecord(
                    event.lease_id, event.tenant_id, event.terminated_on, event_id
                )
            case ls.TenantMetricsReported():
                self._report(event, event_id)
            case ls.UnitOccupied():
                span = OccupancySpan(
                    event.lease_id,
                    event.unit_id,
                    event.tenant_id,
                    event.area_m2,
                    event.occupied_from,
                    event.occupied_until,
                    published_at,
                    event_id,
                )
                key = (event.lease_id, event.unit_id)
                if _later(span, self.occupancy.get(key), "published_at"):
                    self.occupancy[key] = span

    def _service(self, event: Event, event_id: str) -> bool:
        """Tickets' resolutions and ratings (`kpi.domain.tickets_book`)."""
        match event:
            case tk.TicketResolved():
                met = event.response_outcome == event.resolution_outcome == tk.SlaOutcome.MET
                return self.tickets.resolve(
                    event.ticket_id,
                    resolved_at=event.resolved_at,
                    response_s=event.response_seconds,
                    resolution_s=event.resolution_seconds,
                    repair=event.category == tk.TicketCategory.REPAIR,
                    met=met,
                    event_id=event_id,
                )
            case tk.TicketReopened():
                self.tickets.reopen(event.ticket_id, event.reopened_at)
            case tk.TicketRated():
                return self.tickets.rate(
                    event.ticket_id, event.resolution, event.score, event.rated_at, event_id
                )
        return True

    def _money(self, event: Event, event_id: str) -> bool:
        """Finance's recognised revenue and costs, the park's subsidies and funding; matchmaking's matches
        and deals."""
        match event:
            case fin.RevenueRecognized():
                return self.revenue.add(event.stream.value, event.amount, event.recognized_on, event_id)
            case fin.CostRecognized():
                return self.costs.add(event.kind.value, event.amount, event.incurred_on, event_id)
            case fin.SubsidyReceived():
                self.subsidies[event.subsidy_id] = MoneyLine(
                    "subsidy", event.amount, event.received_on, event_id
                )
            case fin.FundingClosed():
                line = MoneyLine(event.instrument.value, event.amount, event.closed_on, event_id)
                self.funding[event.deal_id] = line
            case mm.MatchAccepted():
                line = MoneyLine(event.kind.value, Decimal(0), event.accepted_at.date(), event_id)
                self.matches[event.proposal_id] = line
            case mm.DealClosed():
                self.deals[event.proposal_id] = DealRecord(
                    event.proposal_id,
                    event.value_cny,
                    event.estimated_saving_cny,
                    event.saving_percent,
                    event.closed_at.date(),
                    event_id,
                )
        return True

    def _report(self, event: ls.TenantMetricsReported, event_id: str) -> None:
        key = (event.tenant_id, event.year)
        report = TaxReport(
            event.tenant_id, event.year, event.tax_paid, event.funding_raised, event.reported_at, event_id
        )
        if _later(report, self.tax_reports.get(key), "reported_at"):
            self.tax_reports[key] = report
