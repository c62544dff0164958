"""Finance over HTTP against the real broker and store: payments, fees, commissions, bad input, scoping."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from finance.main import create_app
from finance.settings import FinanceSettings
from parkops_contracts.events.finance import CommissionEarned
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.services import bearer, isolated_settings, run_id, serving

PARK = "fin-park"


@dataclass
class Finance:
    run: str
    infra: Infra
    http: httpx.AsyncClient
    operator: dict[str, str]
    group: str


@pytest.fixture(scope="module")
async def finance(infra: Infra) -> AsyncIterator[Finance]:
    run = run_id()
    app = create_app(isolated_settings(FinanceSettings, infra, run), today=lambda: date(2026, 3, 1))
    async with serving(app) as http:
        group = f"group-{run}"
        yield Finance(run, infra, http, bearer(Role.PARK_OPERATOR, group, [PARK]), group)


async def post(f: Finance, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = f.operator | ({"Idempotency-Key": key} if key else {})
    return await f.http.post(f"/parks/{PARK}{path}", json=body, headers=headers)


async def get(f: Finance, path: str) -> Any:
    r = await f.http.get(f"/parks/{PARK}{path}", headers=f.operator)
    assert r.status_code == 200, r.text
    return r.json()


async def test_payments_allocate_oldest_first_and_carry_credit(finance: Finance) -> None:
    first = await post(
        finance,
        "/invoices",
        {"payer_id": "t1", "stream": "rent", "amount": "1000.00", "description": "rent", "on": "2026-01-01"},
    )
    assert first.status_code == 201, first.text
    await post(
        finance,
        "/invoices",
        {
            "payer_id": "t1",
            "stream": "property",
            "amount": "500",
            "description": "property fee",
            "on": "2026-02-01",
        },
    )
    paid = await post(finance, "/payments", {"payer_id": "t1", "amount": "1700.00"}, key="pay-1")
    again = await post(finance, "/payments", {"payer_id": "t1", "amount": "1700.00"}, key="pay-1")
    assert paid.status_code == 201, paid.text
    payment = paid.json()["events"][0]["data"]
    assert [a["amount"] for a in payment["allocations"]] == ["1000.00", "500.00"]
    assert payment["credited"] == "200.00"
    assert again.json()["replayed"] is True
    assert again.json()["events"] == []
    ledger = await get(finance, "/ledger")
    assert ledger["trial_balance"] == "0.00"
    assert ledger["balances"]["cash"] == "1700.00"
    assert ledger["balances"]["customer_credit"] == "-200.00"
    assert all(e["cause"] for e in ledger["entries"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payer_id": "t1", "amount": "0"}, "amount"),
        ({"payer_id": "t1", "amount": "-5.00"}, "amount"),
        ({"payer_id": "t1", "amount": "1.005"}, "amount"),
        ({"payer_id": "t1", "amount": 10.001}, "amount"),
        ({"payer_id": "t1", "amount": "10.00", "currency": "USD"}, "currency"),
    ],
)
async def test_bad_amounts_are_422(finance: Finance, body: dict[str, Any], field: str) -> None:
    r = await post(finance, "/payments", body)
    assert r.status_code == 422, r.text
    assert field in r.text


async def test_unknown_invoice_404_and_cancelled_invoice_409(finance: Finance) -> None:
    assert (await post(finance, "/payments", {"invoice_id": "nope", "amount": "1.00"})).status_code == 404
    issued = await post(
        finance,
        "/invoices",
        {"payer_id": "t9", "stream": "value_added_services", "amount": "300.00", "description": "testing"},
    )
    invoice_id = issued.json()["events"][0]["data"]["invoice_id"]
    assert (await post(finance, f"/invoices/{invoice_id}/cancel", {})).status_code == 200
    r = await post(finance, "/payments", {"invoice_id": invoice_id, "amount": "1.00"})
    assert r.status_code == 409, r.text


async def test_funding_closed_earns_commission_within_the_parks_bounds(finance: Finance) -> None:
    deal = {
        "tenant_id": "t1",
        "institution": "ICBC Suzhou",
        "instrument": "loan",
        "amount": "20000000.00",
        "payer_id": "bank-icbc",
        "rate_percent": "1.5",
    }
    r = await post(finance, "/financing-deals", deal)
    assert r.status_code == 201, r.text
    kinds = [e["type"] for e in r.json()["events"]]
    assert kinds == ["FundingClosed", "InvoiceIssued", "CommissionEarned"]
    assert r.json()["events"][2]["data"]["amount"] == "300000.00"
    assert (await post(finance, "/financing-deals", deal | {"rate_percent": "3.5"})).status_code == 422
    catalogue = await get(finance, "/fee-catalogue")
    narrowed = catalogue | {"commission_max_percent": "2", "commission_percent": "1.5"}
    r = await finance.http.put(f"/parks/{PARK}/fee-catalogue", json=narrowed, headers=finance.operator)
    assert r.status_code == 200, r.text
    assert (await post(finance, "/financing-deals", deal | {"rate_percent": "2.5"})).status_code == 422
    bad = catalogue | {"platform_fee": {"small": "9000.00"}}
    r = await finance.http.put(f"/parks/{PARK}/fee-catalogue", json=bad, headers=finance.operator)
    assert r.status_code == 422, r.text
    topic = CommissionEarned.topic(f"t{finance.run}")
    published = await read_topic(finance.infra.kafka_bootstrap_servers, topic, at_least=1)
    assert published[0].headers  # CloudEvents headers, through the outbox


async def test_revenue_report_and_scoping(finance: Finance) -> None:
    await post(finance, "/operating-costs", {"amount": "100000.00", "description": "staff"})
    await post(finance, "/subsidies-received", {"amount": "50000.00", "description": "district grant"})
    report = await get(finance, "/reports/revenue?period=2026")
    assert report["service_share"] is not None
    assert report["operating_cost"] == "100000.00"
    outsider = bearer(Role.PARK_OPERATOR, finance.group, ["other-park"])
    assert (await finance.http.get(f"/parks/{PARK}/ledger", headers=outsider)).status_code == 404
    r = await finance.http.post(
        f"/parks/{PARK}/operating-costs", json={"amount": "1.00", "description": "x"}, headers=outsider
    )
    assert r.status_code == 404
    auditor = bearer(Role.AUDITOR, finance.group)
    assert (await finance.http.get(f"/parks/{PARK}/ledger", headers=auditor)).status_code == 200
    r = await finance.http.post(
        f"/parks/{PARK}/operating-costs", json={"amount": "1.00", "description": "x"}, headers=auditor
    )
    assert r.status_code == 403
    tenant = bearer(Role.TENANT_USER, finance.group, [PARK], tenant="t9")
    mine = (await finance.http.get(f"/parks/{PARK}/invoices", headers=tenant)).json()["invoices"]
    assert {i["payer_id"] for i in mine} == {"t9"}


async def test_concurrent_payments_are_all_booked(finance: Finance) -> None:
    payments = [post(finance, "/payments", {"payer_id": "t-conc", "amount": "10.00"}) for _ in range(10)]
    assert all(r.status_code == 201 for r in await asyncio.gather(*payments))
    ledger = await get(finance, "/ledger")
    credited = [e for e in ledger["entries"] if "t-conc" in e["memo"]]
    assert len(credited) == 10
    assert ledger["trial_balance"] == "0.00"


async def test_fees_equity_aging_and_dunning_over_http(finance: Finance) -> None:
    fee = await post(
        finance, "/fees", {"payer_id": "t5", "kind": "talent_placement", "quantity": "2", "on": "2026-01-05"}
    )
    assert fee.status_code == 201, fee.text
    assert fee.json()["events"][0]["data"]["amount"] == "1600.00"
    bad = await post(finance, "/fees", {"payer_id": "t5", "kind": "platform", "quantity": "1"})
    assert bad.status_code == 422  # the platform fee needs the enterprise size
    aging = await get(finance, "/receivables/aging?as_of=2026-03-01")
    assert aging["buckets"]["31-60"] != "0.00"
    notices = await finance.http.post(
        f"/parks/{PARK}/dunning-runs", json={"as_of": "2026-03-01"}, headers=finance.operator
    )
    tiers = {e["data"]["invoice_id"]: e["data"]["tier"] for e in notices.json()["events"]}
    assert "escalation" in tiers.values()
    stake = await post(
        finance,
        "/equity-stakes",
        {"stake_id": "fund-1", "tenant_id": "t5", "percent": "5", "amount": "1000000.00"},
    )
    assert stake.status_code == 201, stake.text
    exit_ = await post(finance, "/equity-stakes/fund-1/exit", {"amount": "1500000.00"})
    assert exit_.json()["events"][0]["data"]["amount"] == "500000.00"  # RevenueRecognized, investment
    assert (await post(finance, "/equity-stakes/fund-1/exit", {"amount": "1.00"})).status_code == 409
    assert (await post(finance, "/equity-stakes/nope/exit", {"amount": "1.00"})).status_code == 404
    assert (await finance.http.get("/openapi.json")).status_code == 200
    assert "InvoiceIssued" in (await finance.http.get("/asyncapi.json")).text
