"""Finance consumes lease events over the real broker: schedules, billing runs once, termination, equity."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from finance.main import create_app
from finance.settings import FinanceSettings
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

from tests.support.infra import Infra
from tests.support.kafka import envelope, produce
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

PARK, GROUP, AT = "bill-park", "bill-group", datetime(2026, 1, 1, tzinfo=UTC)
ADMIN = bearer(Role.GROUP_ADMIN, GROUP)


@pytest.fixture(scope="module")
async def billing(infra: Infra) -> AsyncIterator[tuple[httpx.AsyncClient, Infra, str]]:
    run = run_id()
    app = create_app(isolated_settings(FinanceSettings, infra, run), today=lambda: date(2026, 4, 1))
    async with serving(app) as http:
        yield http, infra, f"t{run}"


def lease_signed() -> LeaseSigned:
    months = [(date(2026, m, 1), date(2026, m + 1, 1).replace(day=1)) for m in (1, 2, 3)]
    schedule = [
        RentLine(month=i + 1, starts_on=s, ends_on=e.fromordinal(e.toordinal() - 1), rent=Decimal(r))
        for i, ((s, e), r) in enumerate(zip(months, ["0.00", "2800.00", "3100.00"], strict=True))
    ]
    return LeaseSigned(
        park_id=PARK,
        group_id=GROUP,
        lease_id="L1",
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
    r = await http.request(method, f"/parks/{PARK}{path}", json=body, headers=ADMIN)
    return r.json() if r.status_code == 200 else None


async def test_lease_events_drive_billing_once_and_termination_prorates(
    billing: tuple[httpx.AsyncClient, Infra, str],
) -> None:
    http, infra, prefix = billing
    await publish(infra, prefix, lease_signed(), "signed-1", times=3)  # delivered three times
    await eventually(lambda: call(http, "GET", "/billing-schedules/L1"))
    assert (await call(http, "POST", "/billing-runs", {"period": "2026-01"}))["events"] == []  # rent-free
    feb = await call(http, "POST", "/billing-runs", {"period": "2026-02"})
    assert [e["data"]["amount"] for e in feb["events"]] == ["2800.00"]
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


async def test_rent_for_equity_is_a_stake_marked_by_tenant_metrics(
    billing: tuple[httpx.AsyncClient, Infra, str],
) -> None:
    http, infra, prefix = billing
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
