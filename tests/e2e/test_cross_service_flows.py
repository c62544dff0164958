"""Every consuming service fed by the real upstream service through its API, over the real broker and
store: leasing -> tickets, leasing -> finance, finance -> kpi, tickets -> kpi, leasing -> matchmaking.

No event here is hand-built: leasing signs and terminates leases, finance bills, tickets are opened and
resolved, and the downstream read model is read through the downstream's HTTP API. The expected figures
are worked out here from the domain rules (rent = area x base rent x (1 - industry-fit discount); a
terminated month is prorated by days occupied; kpi means and ratios), not with production code."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from finance.main import create_app as create_finance
from finance.settings import FinanceSettings
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from matchmaking.main import create_app as create_matchmaking
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.auth import Role
from tickets.main import create_app as create_tickets
from tickets.settings import TicketsSettings

from tests.e2e.conftest import TODAY
from tests.support.infra import Infra
from tests.support.parks import list_units, onboard_tenant, register_park
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

BASE_RENT, DISCOUNT = Decimal(45), Decimal("0.20")
POLICY = {
    "base_rents": {"rnd_building": str(BASE_RENT), "office": "50"},
    "industry_fit_discount": str(DISCOUNT),
    "unrelated_industry_premium": "0.15",
}
MATURE = "2015-06-01"  # founded long before TODAY: no start-up rent-free months


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def monthly_rent(area: str) -> Decimal:
    """The park's policy for a tenant of a leading industry (C3973 in a C39 park), first lease year."""
    return cents(Decimal(area) * BASE_RENT * (1 - DISCOUNT))


@dataclass
class Clock:
    """The tickets service's "now", moved by the tests."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Flows:
    run: str
    http: dict[str, httpx.AsyncClient]
    tickets_clock: Clock
    group: str
    seeded: int = 0  # tenants onboarded so far: credit codes must differ within the run

    @property
    def admin(self) -> dict[str, str]:
        return bearer(Role.GROUP_ADMIN, self.group)

    def operator(self, park: str) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, [park])

    def tenant_user(self, park: str, tenant: str) -> dict[str, str]:
        return bearer(Role.TENANT_USER, self.group, [park], tenant=tenant)

    async def park_with_tenant(
        self, park: str, areas: list[str], industry: str = "C3973"
    ) -> tuple[str, list[str]]:
        """A park (leading industry C39) with the pricing policy, units of `areas`, and one tenant
        onboarded on the first unit; the tenant id and the unit ids."""
        leasing = self.http["leasing"]
        await register_park(leasing, self.group, park)
        r = await leasing.put(f"/parks/{park}/pricing-policy", headers=self.admin, json=POLICY)
        assert r.status_code == 200, r.text
        units = await list_units(leasing, self.group, park, areas)
        self.seeded += 1
        seed = int(self.run, 16) % 100_000 * 100 + self.seeded
        tenant = await onboard_tenant(
            leasing, self.group, park, seed, units[:1], founded_on=MATURE, industry_code=industry
        )
        return tenant, units

    async def sign(
        self, park: str, tenant: str, units: list[str], starts_on: str, months: int
    ) -> dict[str, Any]:
        body = {"tenant_id": tenant, "unit_ids": units, "term_months": months, "starts_on": starts_on}
        r = await self.http["leasing"].post(f"/parks/{park}/leases", headers=self.admin, json=body)
        assert r.status_code == 201, r.text
        lease: dict[str, Any] = r.json()
        return lease

    async def terminate(self, park: str, lease_id: str, on: str) -> None:
        r = await self.http["leasing"].post(
            f"/parks/{park}/leases/{lease_id}/termination",
            headers=self.admin,
            json={"terminated_on": on, "reason": "relocation"},
        )
        assert r.status_code == 200, r.text

    async def get(self, service: str, path: str, headers: dict[str, str] | None = None) -> Any:
        """The body of a 200 answer, else None (not there yet)."""
        r = await self.http[service].get(path, headers=headers or self.admin)
        return r.json() if r.status_code == 200 else None

    async def post(self, service: str, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        r = await self.http[service].post(path, headers=headers or self.admin, json=body)
        assert r.status_code in (200, 201), f"{service} {path}: {r.status_code} {r.text}"
        return r.json()


@pytest.fixture(scope="module")
async def flows(infra: Infra) -> AsyncIterator[Flows]:
    """The five services of one run (shared topics), leasing at TODAY, finance on 1 March 2027."""
    run = run_id()
    clock = Clock(TODAY + timedelta(days=1))
    apps = {
        "leasing": create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: TODAY),
        "tickets": create_tickets(
            isolated_settings(TicketsSettings, infra, run, breach_scanner_enabled=False), clock=clock
        ),
        "finance": create_finance(
            isolated_settings(FinanceSettings, infra, run), clock=lambda: datetime(2027, 3, 1, 9, tzinfo=UTC)
        ),
        "kpi": create_kpi(isolated_settings(KpiSettings, infra, run)),
        "matchmaking": create_matchmaking(isolated_settings(MatchmakingSettings, infra, run)),
    }
    async with (
        serving(apps["leasing"]) as leasing,
        serving(apps["tickets"]) as tickets,
        serving(apps["finance"]) as finance,
        serving(apps["kpi"]) as kpi,
        serving(apps["matchmaking"]) as matchmaking,
    ):
        http = {
            "leasing": leasing,
            "tickets": tickets,
            "finance": finance,
            "kpi": kpi,
            "matchmaking": matchmaking,
        }
        yield Flows(run, http, clock, f"group-{run}")


async def test_leasing_onboarding_and_termination_decide_who_opens_tickets(flows: Flows) -> None:
    park = "flow-tickets"
    tenant, units = await flows.park_with_tenant(park, ["100.00", "200.00"])
    user, tickets = flows.tenant_user(park, tenant), flows.http["tickets"]

    async def open_ticket(unit: str) -> httpx.Response:
        body = {"category": "repair", "title": "door jammed", "unit_id": unit}
        return await tickets.post(f"/parks/{park}/tickets", headers=user, json=body)

    async def let_in() -> httpx.Response | None:
        r = await open_ticket(units[0])
        return r if r.status_code == 201 else None

    opened = (await eventually(let_in)).json()  # TenantOnboarded from leasing lets the tenant in
    assert (opened["tenant_id"], opened["park_id"], opened["state"]) == (tenant, park, "open")
    assert opened["unit_id"] == units[0]
    not_its_own = await open_ticket(units[1])  # UnitListed knows the unit; it is not the tenant's
    assert not_its_own.status_code == 422, not_its_own.text
    assert not_its_own.json()["detail"] == f"unit {units[1]} is not a unit of tenant {tenant}"

    lease = await flows.sign(park, tenant, units[:1], "2027-01-01", 12)
    await flows.terminate(park, lease["lease_id"], "2027-02-15")
    flows.tickets_clock.now = datetime(2027, 2, 16, 9, 0, tzinfo=UTC)  # the day after its last day

    async def turned_away() -> httpx.Response | None:
        r = await open_ticket(units[0])
        return r if r.status_code == 403 else None

    refused = await eventually(turned_away)  # LeaseTerminated from leasing ends its access
    assert refused.json()["detail"] == f"tenant {tenant} left park {park} on 2027-02-15; no new tickets"
    flows.tickets_clock.now = datetime(2027, 2, 15, 9, 0, tzinfo=UTC)  # its last day: still a tenant
    assert (await open_ticket(units[0])).status_code == 201


async def test_a_lease_signed_in_leasing_is_billed_by_finance_and_its_termination_prorated(
    flows: Flows,
) -> None:
    park, area = "flow-finance", "140.00"
    tenant, units = await flows.park_with_tenant(park, [area])
    lease = await flows.sign(park, tenant, units, "2027-01-01", 3)
    lease_id, rent = lease["lease_id"], monthly_rent(area)
    assert rent == Decimal("5040.00")  # 140 m² x 45 CNY/m² x (1 - 20%)

    schedule = await eventually(lambda: flows.get("finance", f"/parks/{park}/billing-schedules/{lease_id}"))
    assert (schedule["lease_id"], schedule["tenant_id"], schedule["terminated_on"]) == (
        lease_id,
        tenant,
        None,
    )
    assert schedule["lines"] == [
        {"month": 1, "starts_on": "2027-01-01", "ends_on": "2027-01-31", "rent": str(rent)},
        {"month": 2, "starts_on": "2027-02-01", "ends_on": "2027-02-28", "rent": str(rent)},
        {"month": 3, "starts_on": "2027-03-01", "ends_on": "2027-03-31", "rent": str(rent)},
    ]
    for period in ("2027-01", "2027-02"):
        run = await flows.post("finance", f"/parks/{park}/billing-runs", {"period": period})
        issued = [e["data"] for e in run["events"] if e["type"] == "InvoiceIssued"]
        assert [(e["payer_id"], e["amount"]) for e in issued] == [(tenant, str(rent))]
    again = await flows.post("finance", f"/parks/{park}/billing-runs", {"period": "2027-02"})
    assert again["events"] == []  # a month is billed once

    await flows.terminate(park, lease_id, "2027-02-15")
    kept = cents(rent * 15 / 28)  # 15 of February's 28 days occupied
    assert kept == Decimal("2700.00")

    async def prorated() -> Any:
        invoice = await flows.get("finance", f"/parks/{park}/invoices/{lease_id}-m2")
        return invoice if invoice and Decimal(invoice["amount"]) == kept else None

    await eventually(prorated)  # LeaseTerminated from leasing credits the days after the 15th
    march = await flows.post("finance", f"/parks/{park}/billing-runs", {"period": "2027-03"})
    assert march["events"] == []  # nothing due after the lease ended
    first = await flows.get("finance", f"/parks/{park}/invoices/{lease_id}-m1")
    assert (first["payer_id"], first["amount"], first["issued_on"]) == (tenant, str(rent), "2027-01-01")
    ledger = await flows.get("finance", f"/parks/{park}/ledger")
    assert ledger["trial_balance"] == "0.00"
    assert ledger["balances"]["revenue:rent"] == str(-(rent + kept))


async def test_kpi_scores_finances_revenue_cost_and_subsidy_as_finance_reports_them(flows: Flows) -> None:
    """finance owns money (README, One owner per figure): kpi's revenue, service share, subsidy dependency
    and revenue / cost are finance's figures, to the cent, never derived again from invoices."""
    park, area = "flow-finance-kpi", "140.00"
    tenant, units = await flows.park_with_tenant(park, [area])
    lease = await flows.sign(park, tenant, units, "2027-01-01", 3)
    await eventually(lambda: flows.get("finance", f"/parks/{park}/billing-schedules/{lease['lease_id']}"))
    await flows.post("finance", f"/parks/{park}/billing-runs", {"period": "2027-01"})
    service = {
        "payer_id": tenant,
        "stream": "industry_services",
        "amount": "960.00",
        "description": "patent filing support",
        "on": "2027-01-20",
    }
    await flows.post("finance", f"/parks/{park}/invoices", service)
    subsidy = {"tenant_id": tenant, "policy": "Suzhou IC grant", "amount": "25000.00", "on": "2027-01-25"}
    await flows.post("finance", f"/parks/{park}/subsidies", subsidy)  # the tenant's: the park earns a fee
    own = {"amount": "2000.00", "description": "district operating grant", "on": "2027-01-26"}
    await flows.post("finance", f"/parks/{park}/subsidies-received", own)  # the park's own subsidy
    cost = {"amount": "4000.00", "description": "property management", "on": "2027-01-31"}
    await flows.post("finance", f"/parks/{park}/operating-costs", cost)

    rent = monthly_rent(area)  # the rent invoice of January
    application_fee = cents(Decimal("25000.00") * 8 / 100)  # the default 8% of a subsidy, invoiced
    services = Decimal("960.00") + application_fee
    revenue = rent + services
    assert revenue == Decimal("8000.00")

    async def revenue_in() -> Any:
        body = await flows.get("kpi", f"/parks/{park}/scorecards/2027-01/kpis/revenue")
        return body if body and body["counts"]["lines"] == 3 else None

    total = await eventually(revenue_in)
    assert total["value"] == str(revenue)
    assert total["counts"] == {"rent": str(rent), "industry_services": str(services), "lines": 3}

    async def kpi_figure(kpi: str) -> Any:
        return (await flows.get("kpi", f"/parks/{park}/scorecards/2027-01/kpis/{kpi}"))["value"]

    async def cost_in() -> Any:
        return await kpi_figure("revenue_cost_ratio")

    await eventually(cost_in)
    report = await flows.get("finance", f"/parks/{park}/reports/revenue?period=2027-01")
    by_hand = {  # from the rules, not from the code under test
        "service_revenue_share": (services / revenue).quantize(Decimal("0.0001")),  # 0.3700
        "subsidy_dependency": (Decimal(2000) / (revenue + 2000)).quantize(Decimal("0.0001")),  # 0.2000
        "revenue_cost_ratio": (revenue / 4000).quantize(Decimal("0.0001")),  # 2.0000
    }
    in_finance = {
        "service_revenue_share": report["service_share"],
        "subsidy_dependency": report["subsidy_dependency"],
        "revenue_cost_ratio": report["revenue_to_cost"],
    }
    in_kpi = {kpi: await kpi_figure(kpi) for kpi in by_hand}
    assert {k: Decimal(v) for k, v in in_kpi.items()} == by_hand
    assert {k: Decimal(str(v)) for k, v in in_finance.items()} == by_hand
    february = await flows.get("kpi", f"/parks/{park}/scorecards/2027-02/kpis/revenue")
    assert (february["value"], february["event_count"]) == ("0.00", 0)  # February was not billed


async def test_tickets_resolved_and_rated_are_the_kpi_service_figures(flows: Flows) -> None:
    park = "flow-tickets-kpi"
    tenant, _ = await flows.park_with_tenant(park, ["100.00"])
    user, staff, tickets = flows.tenant_user(park, tenant), flows.operator(park), flows.http["tickets"]
    opened_at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    clock = flows.tickets_clock

    async def at(offset: timedelta, path: str, body: dict[str, Any], who: dict[str, str]) -> Any:
        clock.now = opened_at + offset
        r = await tickets.post(path, headers=who, json=body)
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        return r.json()

    async def let_in() -> Any:
        clock.now = opened_at
        r = await tickets.post(
            f"/parks/{park}/tickets", headers=user, json={"category": "repair", "title": "leaking pipe"}
        )
        return r.json() if r.status_code == 201 else None

    # repair, normal: response within 2 h, resolution within 48 h; cleaning, normal: 2 h and 12 h
    repair = (await eventually(let_in))["ticket_id"]
    cleaning = (
        await at(timedelta(0), f"/parks/{park}/tickets", {"category": "cleaning", "title": "spill"}, user)
    )["ticket_id"]
    await at(timedelta(minutes=30), f"/tickets/{repair}/acknowledge", {}, staff)
    await at(timedelta(hours=3), f"/tickets/{cleaning}/acknowledge", {}, staff)  # response 1 h late
    await at(timedelta(hours=3), f"/tickets/{repair}/resolve", {}, staff)
    await at(timedelta(hours=5), f"/tickets/{cleaning}/resolve", {}, staff)
    await at(timedelta(hours=6), f"/tickets/{repair}/rating", {"score": 5}, user)
    await at(timedelta(hours=6), f"/tickets/{cleaning}/rating", {"score": 2}, user)

    async def figures() -> dict[str, Any] | None:
        found = {}
        for kpi in (
            "response_hours",
            "resolution_hours",
            "repair_response_hours",
            "sla_compliance",
            "satisfaction",
        ):
            found[kpi] = await flows.get("kpi", f"/parks/{park}/scorecards/2026-12/kpis/{kpi}")
        both_in = found["satisfaction"] and found["satisfaction"]["counts"]["ratings"] == 2
        return found if both_in and found["response_hours"]["counts"]["resolved"] == 2 else None

    kpis = await eventually(figures)
    assert kpis["response_hours"]["value"] == "1.75"  # (0.5 h + 3 h) / 2
    assert kpis["resolution_hours"]["value"] == "4.00"  # (3 h + 5 h) / 2
    assert kpis["repair_response_hours"]["value"] == "0.50"
    assert kpis["repair_response_hours"]["counts"] == {"repairs": 1}
    assert kpis["sla_compliance"]["value"] == "0.5000"  # the cleaning ticket missed its response
    assert kpis["sla_compliance"]["counts"] == {"resolved": 2, "met": 1}
    assert kpis["satisfaction"]["value"] == "0.5000"  # a 5 is satisfied, a 2 is not
    assert kpis["satisfaction"]["counts"] == {"ratings": 2, "satisfied": 1}
    assert [kpis[k]["event_count"] for k in ("response_hours", "satisfaction")] == [2, 2]


async def test_a_tenant_onboarded_in_leasing_becomes_a_matchmaking_profile_until_it_leaves(
    flows: Flows,
) -> None:
    park = "flow-matchmaking"
    tenant, units = await flows.park_with_tenant(park, ["100.00"], industry="C2762")
    path = f"/parks/{park}/profiles/{tenant}"
    profile = await eventually(lambda: flows.get("matchmaking", path))
    name = (await flows.get("leasing", f"/parks/{park}/tenants/{tenant}"))["name"]
    assert profile == {
        "tenant_id": tenant,
        "park_id": park,
        "group_id": flows.group,
        "name": name,
        "segment": "bio.drug_manufacturing",  # GB/T 4754 C2762 (vaccines) in the default chain map
        "anchor": False,
        "active": True,
        "offerings": [],
        "needs": [],
    }
    listed = await flows.get("matchmaking", f"/parks/{park}/profiles")
    assert [p["tenant_id"] for p in listed] == [tenant]

    lease = await flows.sign(park, tenant, units, "2027-01-01", 12)
    await flows.terminate(park, lease["lease_id"], "2027-03-31")

    async def retired() -> Any:
        body = await flows.get("matchmaking", path)
        return body if body and body["active"] is False else None

    assert (await eventually(retired)) == profile | {"active": False}  # LeaseTerminated retires it


async def test_billable_work_resolved_in_tickets_is_invoiced_by_finance(flows: Flows) -> None:
    park = "flow-tickets-finance"
    tenant, _ = await flows.park_with_tenant(park, ["100.00"])
    user, staff, clock = flows.tenant_user(park, tenant), flows.operator(park), flows.tickets_clock
    clock.now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)

    async def let_in() -> Any:
        body = {"category": "repair", "title": "broken window"}
        r = await flows.http["tickets"].post(f"/parks/{park}/tickets", headers=user, json=body)
        return r.json() if r.status_code == 201 else None

    ticket = (await eventually(let_in))["ticket_id"]
    await flows.post("tickets", f"/tickets/{ticket}/acknowledge", {}, staff)
    await flows.post("tickets", f"/tickets/{ticket}/start", {}, staff)
    work = {
        "labour": [{"technician": "wu", "hours": "2.5", "hourly_rate": "90"}],
        "materials": [{"item": "pane", "quantity": "2", "unit_price": "240.50"}],
    }
    await flows.post("tickets", f"/tickets/{ticket}/work", work, staff)
    await flows.post("tickets", f"/tickets/{ticket}/resolve", {"billable": True}, staff)
    billable = Decimal("2.5") * 90 + 2 * Decimal("240.50")  # labour + materials, no mark-up
    assert billable == Decimal("706.00")

    async def invoiced() -> Any:
        body = await flows.get("finance", f"/parks/{park}/invoices?payer_id={tenant}")
        return body["invoices"] if body and body["invoices"] else None

    (invoice,) = await eventually(invoiced)  # TicketResolved (billable) from tickets
    assert (invoice["stream"], invoice["amount"], invoice["issued_on"]) == (
        "property",
        "706.00",
        "2026-12-03",
    )
    assert invoice["description"] == f"billable ticket {ticket}"
