"""finance owns money (issue 16, ADR 12), over the real broker and store: every recognition is one
RevenueRecognized published once, a cancellation publishes InvoiceCancelled and the negative revenue,
rent for equity is earned in the months it replaces, costs and the park's own subsidy are published,
and a billable ticket that names no payer is dead-lettered with the reason."""

import json
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from parkops_contracts.base import Event
from parkops_contracts.events.finance import (
    CostRecognized,
    InvoiceCancelled,
    RevenueRecognized,
    SubsidyReceived,
)
from parkops_contracts.events.leasing import LeaseSigned, RentForEquityAgreed, RentLine
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.auth import Role

from tests.support.events import ticket_resolved
from tests.support.finance import finance_beside_leasing
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.services import bearer, eventually, run_id

PARK, GROUP = "rec-park", "rec-group"
AT = datetime(2026, 1, 1, tzinfo=UTC)
TODAY = datetime(2026, 4, 1, 9, tzinfo=UTC)  # finance's clock: a cancellation is dated 2026-04-01
ADMIN = bearer(Role.GROUP_ADMIN, GROUP)
D = Decimal


@dataclass
class Books:
    http: httpx.AsyncClient
    infra: Infra
    prefix: str


@pytest.fixture(scope="module")
async def books(infra: Infra) -> AsyncIterator[Books]:
    """finance beside leasing, where the park was registered (December 2025)."""
    run = run_id()
    async with finance_beside_leasing(infra, run, (PARK, GROUP), TODAY) as (_, http):
        yield Books(http, infra, f"t{run}")


def lease(lease_id: str, rents: list[str]) -> LeaseSigned:
    """A lease from January 2026, one month per rent; "W" is a month waived for equity."""
    lines = []
    for i, rent in enumerate(rents):
        starts = date(2026, i + 1, 1)
        ends = date(2026, i + 2, 1).fromordinal(date(2026, i + 2, 1).toordinal() - 1)
        waived = rent == "W"
        lines.append(
            RentLine(
                month=i + 1,
                starts_on=starts,
                ends_on=ends,
                rent=D(0) if waived else D(rent),
                rule="rent_for_equity" if waived else None,
            )
        )
    return LeaseSigned(
        park_id=PARK,
        group_id=GROUP,
        lease_id=lease_id,
        tenant_id="t1",
        unit_ids=["u1"],
        leased_area_m2=D(100),
        starts_on=date(2026, 1, 1),
        ends_on=lines[-1].ends_on,
        term_months=len(lines),
        monthly_base_rent=D("1000.00"),
        total_rent=sum((line.rent for line in lines), D(0)),
        schedule=lines,
        rules=[],
        signed_at=AT,
    )


async def publish(b: Books, event: Event, event_id: str, times: int = 1) -> None:
    record = (event.model_dump_json().encode(), envelope(type(event), event_id=event_id))
    await produce(b.infra.kafka_bootstrap_servers, event.topic(b.prefix), [record] * times, key=PARK.encode())


async def call(b: Books, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
    """The answer's body; None while what it asks for is not there yet (404), any other status fails."""
    headers = ADMIN | ({"Idempotency-Key": key} if key else {})
    r = await b.http.request(method, f"/parks/{PARK}{path}", json=body, headers=headers)
    if r.status_code == 404:
        return None
    assert r.status_code in {200, 201}, f"{method} {path}: {r.status_code} {r.text}"
    return r.json()


async def published(b: Books, kind: type[Event], at_least: int) -> list[dict[str, Any]]:
    """Every record of a finance event's topic, as its body (nothing de-duplicated)."""
    records = await read_all(b.infra.kafka_bootstrap_servers, kind.topic(b.prefix), at_least=at_least)
    return [json.loads(r.value) for r in records]


async def test_a_cancellation_publishes_invoice_cancelled_and_the_negative_revenue_once(books: Books) -> None:
    b = books
    await publish(b, lease("L1", ["2800.00", "2900.00"]), "signed-L1", times=2)
    await eventually(lambda: call(b, "GET", "/billing-schedules/L1"))
    await call(b, "POST", "/billing-runs", {"period": "2026-01"}, key="run-jan")
    await call(b, "POST", "/billing-runs", {"period": "2026-01"}, key="run-jan")  # a retry
    cancelled = await call(b, "POST", "/invoices/L1-m1/cancel", key="cancel-1")
    assert [e["type"] for e in cancelled["events"]] == ["InvoiceCancelled", "RevenueRecognized"]
    await call(b, "POST", "/invoices/L1-m1/cancel", key="cancel-1")  # the same request again
    revenue = [r for r in await published(b, RevenueRecognized, 2) if r["source_id"] == "L1-m1"]
    assert [(r["stream"], r["amount"], r["recognized_on"]) for r in revenue] == [
        ("rent", "2800.00", "2026-01-01"),
        ("rent", "-2800.00", "2026-04-01"),
    ]
    (notice,) = [r for r in await published(b, InvoiceCancelled, 1) if r["invoice_id"] == "L1-m1"]
    assert (notice["amount"], notice["payer_id"], notice["cancelled_on"]) == ("2800.00", "t1", "2026-04-01")


async def test_rent_for_equity_is_earned_in_the_months_it_replaces(books: Books) -> None:
    b = books
    await publish(b, lease("L2", ["1000.00", "W", "W", "1000.00"]), "signed-L2")
    agreed = RentForEquityAgreed(
        park_id=PARK,
        group_id=GROUP,
        lease_id="L2",
        tenant_id="t1",
        months_waived=2,
        equity_percent=D(1),
        waived_amount=D("2000.01"),
        implied_valuation=D("200001.00"),
        agreed_at=AT,
    )
    await publish(b, agreed, "agreed-L2", times=2)

    async def agreed_and_scheduled() -> Any:
        ledger = await call(b, "GET", "/ledger")
        scheduled = await call(b, "GET", "/billing-schedules/L2")
        return (scheduled and ledger["balances"].get("unearned_rent") == "-2000.01") or None

    await eventually(agreed_and_scheduled)
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        await call(b, "POST", "/billing-runs", {"period": month})
    earned = [r for r in await published(b, RevenueRecognized, 5) if r["source_id"] == "L2/equity"]
    assert [(r["stream"], r["amount"], r["recognized_on"]) for r in earned] == [
        ("rent", "1000.01", "2026-02-01"),  # 2,000.01 / 2 = 1,000.005, half-up
        ("rent", "1000.00", "2026-03-01"),  # the last waived month takes the rest
    ]
    ledger = await call(b, "GET", "/ledger")
    assert "unearned_rent" not in ledger["balances"] or ledger["balances"]["unearned_rent"] == "0.00"
    march = await call(b, "GET", "/reports/revenue?period=2026-03")
    assert march["revenue_by_stream"]["rent"] == "1000.00"


async def test_costs_and_the_parks_subsidy_are_published_once(books: Books) -> None:
    b = books
    cost = {"amount": "1200.00", "description": "cleaning", "on": "2026-02-03"}
    first = await call(b, "POST", "/operating-costs", cost, key="cost-1")
    again = await call(b, "POST", "/operating-costs", cost, key="cost-1")
    assert first == again
    await call(b, "POST", "/subsidies-received", {"amount": "50000.00", "description": "district grant"})
    costs = await published(b, CostRecognized, 1)
    assert [(c["kind"], c["amount"], c["incurred_on"], c["description"]) for c in costs] == [
        ("operating", "1200.00", "2026-02-03", "cleaning")
    ]
    subsidies = await published(b, SubsidyReceived, 1)
    assert [(s["policy"], s["amount"], s["received_on"]) for s in subsidies] == [
        ("district grant", "50000.00", "2026-04-01")
    ]


def ticket(ticket_id: str, **fields: Any) -> TicketResolved:
    at = datetime(2026, 3, 5, 10, tzinfo=UTC)
    return ticket_resolved(PARK, GROUP, ticket_id=ticket_id, resolved_at=at, **fields)


async def test_a_billable_ticket_without_a_payer_is_dead_lettered_with_the_reason(books: Books) -> None:
    b = books
    await publish(b, ticket("k-nobody"), "ticket-nobody")
    await publish(b, ticket("k-staff", payer_id="t7"), "ticket-staff")  # the partition goes on

    async def billed() -> Any:
        found = (await call(b, "GET", "/invoices?payer_id=t7"))["invoices"]
        return found or None

    (invoice,) = await eventually(billed)
    assert (invoice["amount"], invoice["stream"], invoice["issued_on"]) == (
        "450.00",
        "property",
        "2026-03-05",
    )
    dead = await read_all(b.infra.kafka_bootstrap_servers, f"{b.prefix}.finance.dead-letter.v1", at_least=1)
    reasons = {dict(r.headers)["ce_id"].decode(): dict(r.headers)["dlq-reason"].decode() for r in dead}
    assert list(reasons) == ["ticket-nobody"]
    assert (
        "billable ticket k-nobody of park rec-park names no payer_id nor tenant_id"
        in reasons["ticket-nobody"]
    )


async def test_every_revenue_recognized_sums_to_the_report_and_the_ledger(books: Books) -> None:
    b = books
    """Run last in the module: whatever the tests before recognised, the published events of the park
    sum per stream and period to the revenue report and the ledger's revenue accounts."""
    events = await published(b, RevenueRecognized, 1)
    ids = [r["source_id"] + r["recognized_on"] + r["amount"] for r in events]
    assert len(ids) == len(set(ids))  # each published once (no two recognitions here are alike)
    by_period: defaultdict[str, defaultdict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in events:
        for period in (r["recognized_on"][:4], r["recognized_on"][:7]):
            by_period[period][r["stream"]] += D(r["amount"])
    for period, streams in by_period.items():
        report = await call(b, "GET", f"/reports/revenue?period={period}")
        ledger = await call(b, "GET", f"/ledger?period={period}")
        for stream, amount in report["revenue_by_stream"].items():
            assert D(amount) == streams[stream], (period, stream)
            assert -D(ledger["balances"].get(f"revenue:{stream}", "0")) == streams[stream], (period, stream)
