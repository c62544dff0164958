"""Events of every service as the kpi tests need them: valid, terse, any field overridable."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events import finance as fin
from parkops_contracts.events import leasing as ls
from parkops_contracts.events import matchmaking as mm
from parkops_contracts.events import tickets as tk

PARK = {"park_id": "p1", "group_id": "g1"}
# Every match of the scenario: t1 buys supplies of t2 (both in p1).
SUPPLY_MATCH = {"kind": mm.MatchKind.SUPPLY, "buyer_id": "t1", "supplier_id": "t2", "supplier_park_id": "p1"}


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def park(park_type: ls.ParkType = ls.ParkType.SPECIALIZED_INDUSTRIAL_PARK, **f: Any) -> ls.ParkRegistered:
    values = PARK | {"name": "P", "park_type": park_type, "leading_industries": ["C39"]}
    return ls.ParkRegistered(**(values | {"registered_at": at(date(2020, 1, 1))} | f))


def unit(unit_id: str, area: str, listed: date = date(2020, 1, 1), **f: Any) -> ls.UnitListed:
    values: dict[str, Any] = PARK | {
        "unit_id": unit_id,
        "building": "A",
        "floor": 1,
        "unit_number": unit_id,
        "unit_type": ls.UnitType.OFFICE,
        "area_m2": Decimal(area),
        "listed_at": at(listed),
    }
    return ls.UnitListed(**(values | f))


def tenant(
    tenant_id: str, units: list[str], area: str, on: date, leading: bool = True, **f: Any
) -> ls.TenantOnboarded:
    values: dict[str, Any] = PARK | {
        "tenant_id": tenant_id,
        "name": tenant_id,
        "credit_code": "91350100M000100Y43",
        "industry_code": "C39" if leading else "I65",
        "in_leading_industry": leading,
        "high_tech": False,
        "founded_on": date(2019, 1, 1),
        "headcount": 5,
        "unit_ids": units,
        "leased_area_m2": Decimal(area),
        "onboarded_at": at(on),
    }
    return ls.TenantOnboarded(**(values | f))


def _lease_terms(tenant_id: str, units: list[str], area: str, starts: date, ends: date) -> dict[str, Any]:
    return PARK | {
        "tenant_id": tenant_id,
        "unit_ids": units,
        "leased_area_m2": Decimal(area),
        "starts_on": starts,
        "ends_on": ends,
        "term_months": 12,
        "monthly_base_rent": Decimal(1000),
        "total_rent": Decimal(12000),
        "schedule": [],
        "rules": [],
    }


def lease(
    lease_id: str, tenant_id: str, units: list[str], area: str, starts: date, ends: date
) -> ls.LeaseSigned:
    terms = _lease_terms(tenant_id, units, area, starts, ends)
    return ls.LeaseSigned(**terms, lease_id=lease_id, signed_at=at(starts))


def renewal(
    lease_id: str, previous: str, tenant_id: str, units: list[str], area: str, starts: date, ends: date
) -> ls.LeaseRenewed:
    terms = _lease_terms(tenant_id, units, area, starts, ends)
    return ls.LeaseRenewed(
        **terms, lease_id=lease_id, previous_lease_id=previous, renewal_number=1, renewed_at=at(starts)
    )


def termination(lease_id: str, tenant_id: str, units: list[str], on: date) -> ls.LeaseTerminated:
    return ls.LeaseTerminated(
        **PARK,
        lease_id=lease_id,
        tenant_id=tenant_id,
        unit_ids=units,
        released_area_m2=Decimal(1),
        terminated_on=on,
        reason=ls.TerminationReason.RELOCATION,
        terminated_at=at(on),
    )


def metrics(
    tenant_id: str, year: int, tax: str, reported: date | None = None, funding: str = "0"
) -> ls.TenantMetricsReported:
    return ls.TenantMetricsReported(
        **PARK,
        tenant_id=tenant_id,
        year=year,
        tax_paid=Decimal(tax),
        revenue=Decimal(1000),
        headcount=5,
        funding_raised=Decimal(funding),
        reported_at=at(reported or date(year + 1, 3, 1)),
    )


def resolved(
    ticket_id: str, on: date, response_h: float, met: bool = True, repair: bool = True
) -> tk.TicketResolved:
    outcome = tk.SlaOutcome.MET if met else tk.SlaOutcome.BREACHED
    return tk.TicketResolved(
        **PARK,
        ticket_id=ticket_id,
        category=tk.TicketCategory.REPAIR if repair else tk.TicketCategory.IT,
        resolved_at=at(on),
        acknowledged_in_same_step=False,
        response_seconds=int(response_h * 3600),
        resolution_seconds=int(response_h * 3600 * 4),
        response_outcome=outcome,
        resolution_outcome=tk.SlaOutcome.MET,
        billable=False,
        billable_amount=Decimal(0),
    )


def rated(ticket_id: str, score: int, on: date, resolution: int = 1) -> tk.TicketRated:
    return tk.TicketRated(**PARK, ticket_id=ticket_id, score=score, rated_at=at(on), resolution=resolution)


def occupied(
    lease_id: str, unit_id: str, tenant_id: str, area: str, start: date, until: date
) -> ls.UnitOccupied:
    return ls.UnitOccupied(
        **PARK,
        lease_id=lease_id,
        unit_id=unit_id,
        tenant_id=tenant_id,
        area_m2=Decimal(area),
        occupied_from=start,
        occupied_until=until,
    )


def recognized(source_id: str, stream: fin.RevenueStream, amount: str, on: date) -> fin.RevenueRecognized:
    return fin.RevenueRecognized(
        **PARK, cause="test", stream=stream, amount=Decimal(amount), source_id=source_id, recognized_on=on
    )


def cost(cost_id: str, amount: str, on: date, bonus: bool = False) -> fin.CostRecognized:
    kind = fin.CostKind.OPERATOR_BONUS if bonus else fin.CostKind.OPERATING
    return fin.CostRecognized(
        **PARK, cause="test", cost_id=cost_id, kind=kind, amount=Decimal(amount), incurred_on=on
    )


def subsidy_received(subsidy_id: str, amount: str, on: date) -> fin.SubsidyReceived:
    return fin.SubsidyReceived(
        **PARK, cause="test", subsidy_id=subsidy_id, policy="x", amount=Decimal(amount), received_on=on
    )


def invoice(invoice_id: str, stream: fin.RevenueStream, amount: str, on: date) -> fin.InvoiceIssued:
    return fin.InvoiceIssued(
        **PARK,
        cause="test",
        invoice_id=invoice_id,
        payer_id="t1",
        stream=stream,
        description="x",
        amount=Decimal(amount),
        issued_on=on,
        due_on=on,
    )


def subsidy(subsidy_id: str, amount: str, on: date) -> fin.SubsidyGranted:
    return fin.SubsidyGranted(
        **PARK,
        cause="test",
        subsidy_id=subsidy_id,
        tenant_id="t1",
        policy="x",
        amount=Decimal(amount),
        granted_on=on,
    )


def deal(
    proposal_id: str, value: str, on: date, saving: str = "0", percent: str | None = None
) -> mm.DealClosed:
    return mm.DealClosed(
        **PARK,
        **SUPPLY_MATCH,
        proposal_id=proposal_id,
        value_cny=Decimal(value),
        estimated_saving_cny=Decimal(saving),
        saving_percent=None if percent is None else Decimal(percent),
        closed_at=at(on),
    )


def accepted(proposal_id: str, on: date) -> mm.MatchAccepted:
    return mm.MatchAccepted(**PARK, **SUPPLY_MATCH, proposal_id=proposal_id, accepted_at=at(on))


def scenario() -> list[Event]:
    """A park in 2026: 4 units (1,000 m²), 3 tenants, leases renewed and terminated (and leasing's spans
    of them), tax, tickets (k1 reopened and rated twice), revenue recognised (one invoice of 20,000
    cancelled: reversed in November), costs, the park's subsidy, a deal."""
    d = date
    stream = fin.RevenueStream
    return [
        park(),
        unit("u1", "100"),
        unit("u2", "200"),
        unit("u3", "300"),
        unit("u4", "400"),
        tenant("t1", [], "100", d(2024, 3, 1)),
        tenant("t2", [], "300", d(2025, 2, 1)),
        tenant("t3", [], "400", d(2025, 6, 1), leading=False),
        lease("l1", "t1", ["u1"], "100", d(2024, 3, 1), d(2026, 2, 28)),
        renewal("l1r", "l1", "t1", ["u1"], "100", d(2026, 3, 1), d(2028, 2, 29)),
        lease("l2", "t2", ["u3"], "300", d(2025, 2, 1), d(2026, 1, 31)),
        lease("l3", "t3", ["u4"], "400", d(2025, 6, 1), d(2027, 5, 31)),
        termination("l3", "t3", ["u4"], d(2026, 8, 31)),
        metrics("t1", 2025, "100000"),
        metrics("t2", 2025, "50000"),
        metrics("t1", 2026, "150000", funding="1000000"),
        metrics("t2", 2026, "30000"),
        metrics("t2", 2026, "22500", reported=d(2027, 4, 1)),  # a correction: the later report wins
        resolved("k1", d(2026, 5, 1), 1.0),
        resolved("k2", d(2026, 6, 1), 3.0, met=False),
        resolved("k3", d(2026, 7, 1), 10.0, repair=False),
        rated("k1", 5, d(2026, 5, 2)),
        rated("k2", 3, d(2026, 6, 2)),
        recognized("i1", stream.RENT, "700000", d(2026, 1, 5)),
        recognized("i2", stream.INDUSTRY_SERVICES, "200000", d(2026, 4, 5)),
        recognized("i3", stream.VALUE_ADDED_SERVICES, "100000", d(2026, 9, 5)),
        recognized("i4", stream.VALUE_ADDED_SERVICES, "20000", d(2026, 10, 5)),
        recognized("i4", stream.VALUE_ADDED_SERVICES, "-20000", d(2026, 11, 5)),  # i4 cancelled
        cost("c1", "700000", d(2026, 6, 30)),
        cost("c2", "100000", d(2026, 12, 31), bonus=True),
        subsidy_received("s1", "50000", d(2026, 3, 3)),
        accepted("m1", d(2026, 5, 1)),
        deal("m1", "80000", d(2026, 6, 1), saving="8000", percent="5"),
        occupied("l1", "u1", "t1", "100", d(2024, 3, 1), d(2026, 2, 28)),
        occupied("l1r", "u1", "t1", "100", d(2026, 3, 1), d(2028, 2, 29)),
        occupied("l2", "u3", "t2", "300", d(2025, 2, 1), d(2026, 1, 31)),
        occupied("l3", "u4", "t3", "400", d(2025, 6, 1), d(2027, 5, 31)),
        occupied("l3", "u4", "t3", "400", d(2025, 6, 1), d(2026, 8, 31)),  # terminated: published later
        rated("k1", 5, d(2026, 5, 20), resolution=2),  # k1 reopened, resolved again, rated again
    ]
