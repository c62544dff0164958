"""Finance consumes lease events over the real broker: schedules, billing runs once, termination, equity;
only for a park leasing registered, under the group that registered it."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from finance.service import FinanceService
from parkops_contracts.base import Event
from parkops_contracts.events.leasing import (
    LeaseSigned,
    LeaseTerminated,
    RentForEquityAgreed,
    RentLine,
    TenantMetricsReported,
    TerminationReason,
)
from parkops_runtime.auth import Role

from tests.support.finance import finance_beside_leasing
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.services import bearer, eventually, run_id

PARK, GROUP, AT = "bill-park", "bill-group", datetime(2026, 1, 1, tzinfo=UTC)
ADMIN = bearer(Role.GROUP_ADMIN, GROUP)


@dataclass
class Billing:
    http: httpx.AsyncClient
    infra: Infra
    prefix: str
    books: FinanceService


@pytest.fixture(scope="module")
async def billing(infra: Infra) -> AsyncIterator[Billing]:
    """finance beside leasing, where the park was registered (in December 2025, before its leases)."""
    run = run_id()
    async with finance_beside_leasing(infra, run, (PARK, GROUP), datetime(2026, 4, 1, 9, tzinfo=UTC)) as (
        app,
        http,
    ):
        yield Billing(http, infra, f"t{run}", app.state.finance)


def lease_signed(lease_id: str = "L1", park_id: str = PARK, group_id: str = GROUP) -> LeaseSigned:
    months = [(date(2026, m, 1), date(2026, m + 1, 1).replace(day=1)) for m in (1, 2, 3)]
    schedule = [
        RentLine(month=i + 1, starts_on=s, ends_on=e.fromordinal(e.toordinal() - 1), rent=Decimal(r))
        for i, ((s, e), r) in enumerate(zip(months, ["0.00", "2800.00", "3100.00"], strict=True))
    ]
    return LeaseSigned(
        park_id=park_id,
        group_id=group_id,
        lease_id=lease_id,
        tenant_id="t1",
        unit_ids=["u1"],
        leased_area_m2=Decimal(100),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
        term_months=3,
        monthly_base_rent=Decimal("3100.00"),
        total_rent=Decimal("5900.00"),
        schedule=schedule,
        rules=["first month free"],
        signed_at=AT,
    )


async def publish(infra: Infra, prefix: str, event: Event, event_id: str, times: int = 1) -> None:
    record = (event.model_dump_json().encode(), envelope(type(event), event_id=event_id))
    await produce(infra.kafka_bootstrap_servers, event.topic(prefix), [record] * times, key=PARK.encode())


async def call(http: httpx.AsyncClient, method: str, path: str, body: Any = None) -> Any:
    """The answer's body; None while what it asks for is not there yet (404), any other status fails."""
    r = await http.request(method, f"/parks/{PARK}{path}", json=body, headers=ADMIN)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, f"{method} {path}: {r.status_code} {r.text}"
    return r.json()


async def test_lease_events_drive_billing_once_and_termination_prorates(billing: Billing) -> None:
    http, infra, prefix = billing.http, billing.infra, billing.prefix
    await publish(infra, prefix, lease_signed(), "signed-1", times=3)  # delivered three times
    await eventually(lambda: call(http, "GET", "/billing-schedules/L1"))
    assert (await call(http, "POST", "/billing-runs", {"period": "2026-01"}))["events"] == []  # rent-free
    feb = await call(http, "POST", "/billing-runs", {"period": "2026-02"})
    assert [(e["type"], e["data"]["amount"]) for e in feb["events"]] == [
        ("InvoiceIssued", "2800.00"),
        ("RevenueRecognized", "2800.00"),
    ]
    assert (await call(http, "POST", "/billing-runs", {"period": "2026-02"}))["events"] == []
    await call(http, "POST", "/billing-runs", {"period": "2026-03"})
    ended = LeaseTerminated(
        park_id=PARK,
        group_id=GROUP,
        lease_id="L1",
        tenant_id="t1",
        unit_ids=["u1"],
        released_area_m2=Decimal(100),
        terminated_on=date(2026, 3, 10),
        reason=TerminationReason.BREACH,
        terminated_at=AT.replace(month=3, day=10),
    )
    await publish(infra, prefix, ended, "ended-1", times=2)

    async def prorated() -> Any:
        invoice = await call(http, "GET", "/invoices/L1-m3")
        return invoice if invoice and invoice["amount"] == "1000.00" else None

    await eventually(prorated)  # 10 of 31 days of 3,100
    ledger = await call(http, "GET", "/ledger")
    assert ledger["trial_balance"] == "0.00"
    assert ledger["balances"]["revenue:rent"] == "-3800.00"


async def test_rent_for_equity_is_a_stake_marked_by_tenant_metrics(billing: Billing) -> None:
    http, infra, prefix = billing.http, billing.infra, billing.prefix
    agreed = RentForEquityAgreed(
        park_id=PARK,
        group_id=GROUP,
        lease_id="L2",
        tenant_id="t2",
        months_waived=6,
        equity_percent=Decimal(2),
        waived_amount=Decimal("60000.00"),
        implied_valuation=Decimal("3000000.00"),
        agreed_at=AT,
    )
    metrics = TenantMetricsReported(
        park_id=PARK,
        group_id=GROUP,
        tenant_id="t2",
        year=2026,
        tax_paid=Decimal(0),
        revenue=Decimal(0),
        headcount=10,
        valuation=Decimal("5000000"),
        funding_raised=Decimal(0),
        reported_at=AT,
    )
    await publish(infra, prefix, agreed, "agreed-1", times=2)
    await publish(infra, prefix, metrics, "metrics-1", times=2)

    async def marked() -> Any:
        ledger = await call(http, "GET", "/ledger")
        return ledger if ledger and ledger["balances"].get("revaluation_reserve") == "-40000.00" else None

    ledger = await eventually(marked)
    assert ledger["balances"]["equity_investments"] == "100000.00"
    assert ledger["trial_balance"] == "0.00"


async def test_lease_events_of_a_park_not_the_groups_book_nothing_and_are_dead_lettered(
    billing: Billing,
) -> None:
    http, infra, prefix = billing.http, billing.infra, billing.prefix
    await publish(infra, prefix, lease_signed("L-intruder", group_id="intruder-group"), "intruder-1")
    await publish(infra, prefix, lease_signed("L-nowhere", park_id="nowhere-park"), "nowhere-1")
    await publish(infra, prefix, lease_signed("L-mine"), "mine-1")  # the partition goes on
    await eventually(lambda: call(http, "GET", "/billing-schedules/L-mine"))
    dead = await read_all(infra.kafka_bootstrap_servers, f"{prefix}.finance.dead-letter.v1", at_least=2)
    assert sorted(dict(r.headers)["ce_id"].decode() for r in dead) == ["intruder-1", "nowhere-1"]
    reasons = {dict(r.headers)["ce_id"].decode(): dict(r.headers)["dlq-reason"].decode() for r in dead}
    assert "park bill-park is not a park of group intruder-group" in reasons["intruder-1"]
    assert "park nowhere-park is not a park of group bill-group" in reasons["nowhere-1"]
    r = await http.get(f"/parks/{PARK}/billing-schedules/L-intruder", headers=ADMIN)
    assert r.status_code == 404
    assert await billing.books.books.get("nowhere-park") is None


async def test_a_billing_period_before_the_park_was_registered_is_422(billing: Billing) -> None:
    r = await billing.http.post(f"/parks/{PARK}/billing-runs", json={"period": "2025-11"}, headers=ADMIN)
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["period"]
    r = await billing.http.post(f"/parks/{PARK}/billing-runs", json={"period": "2025-12"}, headers=ADMIN)
    assert r.status_code == 200, r.text
