"""Finance over HTTP against the real broker and store, beside leasing (where parks and tenants are
registered): payments, fees, commissions, bounds, unknown payers, park squatting and who sees what."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from finance.main import create_app
from finance.service import FinanceService
from finance.settings import FinanceSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_contracts.events.finance import CommissionEarned
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import known, onboard_tenant, register_park
from tests.support.services import bearer, isolated_settings, run_id, serving

PARK, OTHER_PARK = "fin-park", "fin-other-park"
BANK = "institution:bank-icbc"  # a payer that is not a tenant: the bank paying the park's commission


@dataclass
class Finance:
    run: str
    infra: Infra
    http: httpx.AsyncClient
    leasing: httpx.AsyncClient
    books: FinanceService
    group: str
    operator: dict[str, str]
    tenants: list[str]  # onboarded in PARK
    stranger: str  # a tenant of OTHER_PARK (same group)


Serving = tuple[httpx.AsyncClient, FastAPI, httpx.AsyncClient]  # leasing, finance's app, finance


@asynccontextmanager
async def beside_leasing(
    infra: Infra, run: str
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI, httpx.AsyncClient]]:
    """Leasing (parks registered 2025-12-01) and finance (today 2026-03-01) of one run, serving."""
    registered = datetime(2025, 12, 1, tzinfo=UTC)
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: registered)
    app = create_app(
        isolated_settings(FinanceSettings, infra, run), clock=lambda: datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    async with serving(leasing_app) as leasing, serving(app) as http:
        yield leasing, app, http


@pytest.fixture(scope="module")
async def finance(infra: Infra) -> AsyncIterator[Finance]:
    run = run_id()
    async with beside_leasing(infra, run) as (leasing, app, http):
        group = f"group-{run}"
        await register_park(leasing, group, PARK)
        await register_park(leasing, group, OTHER_PARK)
        tenants = [await onboard_tenant(leasing, group, PARK, seed) for seed in range(1, 6)]
        stranger = await onboard_tenant(leasing, group, OTHER_PARK, 9)
        operator = bearer(Role.PARK_OPERATOR, group, [PARK])
        for tenant in tenants:  # the last tenant known to finance: its user reaches the park
            await known(http, f"/parks/{PARK}/invoices", bearer(Role.TENANT_USER, group, [PARK], tenant))
        elsewhere = bearer(Role.TENANT_USER, group, [OTHER_PARK], stranger)
        await known(http, f"/parks/{OTHER_PARK}/invoices", elsewhere)
        yield Finance(run, infra, http, leasing, app.state.finance, group, operator, tenants, stranger)


async def post(f: Finance, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = f.operator | ({"Idempotency-Key": key} if key else {})
    return await f.http.post(f"/parks/{PARK}{path}", json=body, headers=headers)


async def get(f: Finance, path: str) -> Any:
    r = await f.http.get(f"/parks/{PARK}{path}", headers=f.operator)
    assert r.status_code == 200, r.text
    return r.json()


def fields(r: httpx.Response) -> list[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in r.json()["errors"]]


async def test_payments_allocate_oldest_first_and_carry_credit(finance: Finance) -> None:
    t1 = finance.tenants[0]
    rent = {"payer_id": t1, "stream": "rent", "amount": "1000.00", "description": "rent", "on": "2026-01-01"}
    first = await post(finance, "/invoices", rent)
    assert first.status_code == 201, first.text
    fee = {
        "payer_id": t1,
        "stream": "property",
        "amount": "500",
        "description": "property fee",
        "on": "2026-02-01",
    }
    await post(finance, "/invoices", fee)
    paid = await post(finance, "/payments", {"payer_id": t1, "amount": "1700.00"}, key="pay-1")
    again = await post(finance, "/payments", {"payer_id": t1, "amount": "1700.00"}, key="pay-1")
    assert paid.status_code == 201, paid.text
    payment = paid.json()["events"][0]["data"]
    assert [a["amount"] for a in payment["allocations"]] == ["1000.00", "500.00"]
    assert payment["credited"] == "200.00"
    assert (again.status_code, again.json()) == (201, paid.json())  # the first answer, no second payment
    ledger = await get(finance, "/ledger")
    assert ledger["trial_balance"] == "0.00"
    assert ledger["balances"]["cash"] == "1700.00"
    assert ledger["balances"]["customer_credit"] == "-200.00"
    causes = [e["cause"] for e in ledger["entries"]]
    assert len(causes) == len(set(causes)) == 3  # two invoices, one payment: each its own cause
    assert all(causes)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/payments", {"amount": "0"}, "amount"),
        ("/payments", {"amount": "-5.00"}, "amount"),
        ("/payments", {"amount": "1.005"}, "amount"),
        ("/payments", {"amount": 10.001}, "amount"),
        ("/payments", {"amount": "10.00", "currency": "USD"}, "currency"),
        ("/payments", {"amount": "1e30"}, "amount"),
        ("/payments", {"amount": 10**40}, "amount"),
        ("/invoices", {"stream": "rent", "amount": "1e30", "description": "rent"}, "amount"),
        ("/invoices", {"stream": "rent", "amount": "1.00", "description": "rent", "on": "0001-01-01"}, "on"),
        ("/invoices", {"stream": "rent", "amount": "1.00", "description": "rent\u0000"}, "description"),
        ("/fees", {"kind": "testing", "quantity": "1e20"}, "quantity"),
        ("/fees", {"kind": "testing", "quantity": "50000001"}, "quantity"),  # 10^12 + 20,000 CNY
        ("/fees", {"kind": "platform", "size": "small", "quantity": "11"}, "quantity"),
        ("/equity-stakes", {"percent": "100.01", "amount": "1.00"}, "percent"),
        ("/operating-costs", {"amount": "1.00", "description": "x", "on": "2200-01-01"}, "on"),
        ("/dunning-runs", {"as_of": "0001-01-01"}, "as_of"),
        ("/billing-runs", {"period": "0001-01"}, "period"),
        ("/billing-runs", {"period": "2025-11"}, "period"),  # before the park was registered
    ],
)
async def test_out_of_bounds_input_is_422_naming_the_field_and_stores_nothing(
    finance: Finance, path: str, body: dict[str, Any], field: str
) -> None:
    payer = finance.tenants[4]
    key = {"/equity-stakes": "tenant_id"}.get(path, "payer_id")
    before = await finance.books.books.version(PARK)
    r = await post(finance, path, body | {key: payer})
    assert fields(r) == [field]
    assert await finance.books.books.version(PARK) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/invoices", {"stream": "rent", "amount": "1.00", "description": "rent"}, "payer_id"),
        ("/payments", {"amount": "1.00"}, "payer_id"),
        ("/fees", {"kind": "testing"}, "payer_id"),
        ("/subsidies", {"policy": "grant", "amount": "1.00"}, "tenant_id"),
        ("/equity-stakes", {"percent": "1", "amount": "1.00"}, "tenant_id"),
        (
            "/financing-deals",
            {"institution": "ICBC", "instrument": "loan", "amount": "1.00", "payer_id": BANK},
            "tenant_id",
        ),
    ],
)
@pytest.mark.parametrize("who", ["nobody", "stranger"])  # not a tenant at all; a tenant of another park
async def test_an_unknown_tenant_or_payer_is_422_and_stores_nothing(
    finance: Finance, path: str, body: dict[str, Any], field: str, who: str
) -> None:
    tenant = "no-such-tenant" if who == "nobody" else finance.stranger
    before = await finance.books.books.version(PARK)
    r = await post(finance, path, body | {field: tenant})
    assert fields(r) == [field]
    assert r.json()["detail"] == f"{field}: unknown tenant of this park"
    assert await finance.books.books.version(PARK) == before


async def test_unknown_invoice_404_and_cancelled_invoice_409(finance: Finance) -> None:
    assert (await post(finance, "/payments", {"invoice_id": "nope", "amount": "1.00"})).status_code == 404
    issued = await post(
        finance,
        "/invoices",
        {
            "payer_id": finance.tenants[1],
            "stream": "value_added_services",
            "amount": "300.00",
            "description": "testing",
        },
    )
    invoice_id = issued.json()["events"][0]["data"]["invoice_id"]
    assert (await post(finance, f"/invoices/{invoice_id}/cancel", {})).status_code == 200
    r = await post(finance, "/payments", {"invoice_id": invoice_id, "amount": "1.00"})
    assert r.status_code == 409, r.text


async def test_funding_closed_earns_commission_within_the_parks_bounds(finance: Finance) -> None:
    deal = {
        "tenant_id": finance.tenants[0],
        "institution": "ICBC Suzhou",
        "instrument": "loan",
        "amount": "20000000.00",
        "payer_id": BANK,
        "rate_percent": "1.5",
    }
    r = r_deal = await post(finance, "/financing-deals", deal)
    assert r.status_code == 201, r.text
    kinds = [e["type"] for e in r.json()["events"]]
    assert kinds == ["FundingClosed", "InvoiceIssued", "RevenueRecognized", "CommissionEarned"]
    assert r.json()["events"][3]["data"]["amount"] == "300000.00"
    assert r.json()["events"][2]["data"]["stream"] == "industry_services"  # the commission, earned
    assert r.json()["events"][1]["data"]["payer_id"] == BANK
    paid = await post(finance, "/payments", {"payer_id": BANK, "amount": "300000.00"})
    assert paid.json()["events"][0]["data"]["credited"] == "0.00"  # the bank settled its invoice
    assert fields(await post(finance, "/financing-deals", deal | {"rate_percent": "3.5"})) == ["rate_percent"]
    catalogue = await get(finance, "/fee-catalogue")
    narrowed = catalogue | {"commission_max_percent": "2", "commission_percent": "1.5"}
    r = await finance.http.put(f"/parks/{PARK}/fee-catalogue", json=narrowed, headers=finance.operator)
    assert r.status_code == 200, r.text
    assert (await post(finance, "/financing-deals", deal | {"rate_percent": "2.5"})).status_code == 422
    for bad in (
        catalogue | {"platform_fee": {"small": "9000.00"}},
        catalogue | {"testing_fee": "1e30"},
        catalogue | {"application_fee_percent": "NaN"},
    ):
        r = await finance.http.put(f"/parks/{PARK}/fee-catalogue", json=bad, headers=finance.operator)
        assert r.status_code == 422, r.text
    topic = CommissionEarned.topic(f"t{finance.run}")
    commission = r_deal.json()["events"][3]["data"]
    published = await read_all(finance.infra.kafka_bootstrap_servers, topic, at_least=1)
    ours = [p for p in published if json.loads(p.value) == commission]
    assert len(ours) == 1  # once, with CloudEvents headers, through the outbox
    assert dict(ours[0].headers)["ce_type"].decode() == CommissionEarned.ce_type()


async def test_revenue_report_and_who_sees_what(finance: Finance) -> None:
    park = f"report-{finance.run}"  # books of this test alone, whatever ran before
    await register_park(finance.leasing, finance.group, park)
    tenant = await onboard_tenant(finance.leasing, finance.group, park, 31)
    await known(
        finance.http, f"/parks/{park}/invoices", bearer(Role.TENANT_USER, finance.group, [park], tenant)
    )
    admin = bearer(Role.GROUP_ADMIN, finance.group)
    for path, body in [
        ("/invoices", {"payer_id": tenant, "stream": "rent", "amount": "8000.00", "description": "rent"}),
        (
            "/invoices",
            {"payer_id": tenant, "stream": "industry_services", "amount": "1500.00", "description": "ip"},
        ),
        (
            "/invoices",
            {"payer_id": tenant, "stream": "value_added_services", "amount": "500", "description": "lab"},
        ),
        ("/operating-costs", {"amount": "100000.00", "description": "staff"}),
        ("/subsidies-received", {"amount": "50000.00", "description": "district grant"}),
        ("/operating-costs", {"amount": "1.00", "description": "last year", "on": "2025-12-31"}),
    ]:
        r = await finance.http.post(
            f"/parks/{park}{path}", json=body | {"on": body.get("on", "2026-02-01")}, headers=admin
        )
        assert r.status_code == 201, r.text
    r = await finance.http.get(f"/parks/{park}/reports/revenue?period=2026", headers=admin)
    assert r.json() == {
        "period": "2026",
        "revenue_by_stream": {
            "rent": "8000.00",
            "property": "0.00",
            "industry_services": "1500.00",
            "value_added_services": "500.00",
            "investment": "0.00",
        },
        "operating_revenue": "10000.00",
        "service_revenue": "2000.00",
        "service_share": "0.2000",  # 2,000 of 10,000: below the 30% target
        "service_share_target_met": False,
        "operating_cost": "100000.00",  # the 2025 cost is not in 2026
        "revenue_to_cost": "0.1000",
        "subsidy_received": "50000.00",
        "subsidy_dependency": "0.8333",  # 50,000 / (10,000 + 50,000)
    }
    cost = {"amount": "1.00", "description": "x"}
    outsider = bearer(Role.PARK_OPERATOR, finance.group, [OTHER_PARK])
    assert (await finance.http.get(f"/parks/{PARK}/ledger", headers=outsider)).status_code == 404
    r = await finance.http.post(f"/parks/{PARK}/operating-costs", json=cost, headers=outsider)
    assert r.status_code == 404
    auditor = bearer(Role.AUDITOR, finance.group)
    assert (await finance.http.get(f"/parks/{PARK}/ledger", headers=auditor)).status_code == 200
    r = await finance.http.post(f"/parks/{PARK}/operating-costs", json=cost, headers=auditor)
    assert r.status_code == 403


async def test_a_tenant_user_sees_only_its_own_invoices(finance: Finance) -> None:
    mine, theirs = finance.tenants[2], finance.tenants[3]
    ids = {}
    for payer in (mine, theirs):
        body = {"payer_id": payer, "stream": "property", "amount": "10.00", "description": "water"}
        r = await post(finance, "/invoices", body)
        assert r.status_code == 201, r.text
        ids[payer] = r.json()["events"][0]["data"]["invoice_id"]
    tenant = bearer(Role.TENANT_USER, finance.group, [PARK], tenant=mine)
    listed = (await finance.http.get(f"/parks/{PARK}/invoices", headers=tenant)).json()["invoices"]
    assert {i["payer_id"] for i in listed} == {mine}
    filtered = await finance.http.get(f"/parks/{PARK}/invoices?payer_id={theirs}", headers=tenant)
    assert filtered.json()["invoices"] == []
    own = await finance.http.get(f"/parks/{PARK}/invoices/{ids[mine]}", headers=tenant)
    assert own.status_code == 200, own.text
    other = await finance.http.get(f"/parks/{PARK}/invoices/{ids[theirs]}", headers=tenant)
    missing = await finance.http.get(f"/parks/{PARK}/invoices/INV-999999", headers=tenant)
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json()["detail"] == f"invoice {ids[theirs]} not found"
    for figure in ("/ledger", "/reports/revenue?period=2026", "/receivables/aging", "/billing-schedules/L1"):
        assert (await finance.http.get(f"/parks/{PARK}{figure}", headers=tenant)).status_code == 403
    assert (await finance.http.get(f"/parks/{PARK}/fee-catalogue", headers=tenant)).status_code == 200
    body = {"payer_id": mine, "stream": "rent", "amount": "1.00", "description": "x"}
    assert (await finance.http.post(f"/parks/{PARK}/invoices", json=body, headers=tenant)).status_code == 403
    elsewhere = bearer(Role.TENANT_USER, finance.group, [PARK], tenant=finance.stranger)
    assert (await finance.http.get(f"/parks/{PARK}/invoices", headers=elsewhere)).status_code == 404


async def test_another_groups_admin_cannot_open_books_under_a_park_id(finance: Finance) -> None:
    park, group_b = f"squat-{finance.run}", f"other-{finance.run}"
    intruder = bearer(Role.GROUP_ADMIN, group_b)
    owner = bearer(Role.GROUP_ADMIN, finance.group)
    invoice = {"payer_id": finance.tenants[0], "stream": "rent", "amount": "99.00", "description": "squat"}

    async def attempts() -> list[int]:
        return [
            (await finance.http.post(f"/parks/{park}/invoices", json=invoice, headers=intruder)).status_code,
            (
                await finance.http.post(
                    f"/parks/{park}/billing-runs", json={"period": "2026-01"}, headers=intruder
                )
            ).status_code,
            (await finance.http.get(f"/parks/{park}/invoices", headers=intruder)).status_code,
            (await finance.http.get(f"/parks/{park}/ledger", headers=intruder)).status_code,
        ]

    assert await attempts() == [404, 404, 404, 404]  # before the park exists
    assert (await finance.http.get(f"/parks/{park}/invoices", headers=owner)).status_code == 404
    assert await finance.books.books.get(park) is None
    await register_park(finance.leasing, finance.group, park)
    empty = await known(finance.http, f"/parks/{park}/invoices", owner)
    assert empty.json() == {"invoices": []}
    assert await attempts() == [404, 404, 404, 404]  # after group A registered it
    assert await finance.books.books.get(park) is None
    tenant = await onboard_tenant(finance.leasing, finance.group, park, 21)
    tenant_user = bearer(Role.TENANT_USER, finance.group, [park], tenant)
    await known(finance.http, f"/parks/{park}/invoices", tenant_user)
    r = await finance.http.post(f"/parks/{park}/invoices", json=invoice | {"payer_id": tenant}, headers=owner)
    assert r.status_code == 201, r.text
    books = await finance.books.books.get(park)
    assert books is not None
    assert (books.group_id, [i.description for i in books.invoices.values()]) == (finance.group, ["squat"])


async def test_unknown_parks_are_404_never_2xx(finance: Finance) -> None:
    admin = bearer(Role.GROUP_ADMIN, finance.group)
    cost = {"amount": "1.00", "description": "x"}
    for method, path, body in [
        ("GET", "/invoices", None),
        ("GET", "/fee-catalogue", None),
        ("GET", "/ledger", None),
        ("POST", "/operating-costs", cost),
        ("POST", "/dunning-runs", {"as_of": "2026-03-01"}),
    ]:
        r = await finance.http.request(
            method, f"/parks/nowhere-{finance.run}{path}", json=body, headers=admin
        )
        assert r.status_code == 404, (path, r.text)
        assert r.json()["detail"] == f"park nowhere-{finance.run} not found"
    assert await finance.books.books.get(f"nowhere-{finance.run}") is None


async def test_concurrent_payments_are_all_booked(finance: Finance) -> None:
    payer = finance.tenants[3]
    payments = [post(finance, "/payments", {"payer_id": payer, "amount": "10.00"}) for _ in range(10)]
    assert [r.status_code for r in await asyncio.gather(*payments)] == [201] * 10
    ledger = await get(finance, "/ledger")
    credited = [e for e in ledger["entries"] if f"from {payer}" in e["memo"]]
    assert len(credited) == 10
    assert ledger["trial_balance"] == "0.00"


async def test_fees_equity_aging_and_dunning_over_http(finance: Finance) -> None:
    t5 = finance.tenants[4]
    fee = await post(
        finance, "/fees", {"payer_id": t5, "kind": "talent_placement", "quantity": "2", "on": "2026-01-05"}
    )
    assert fee.status_code == 201, fee.text
    assert fee.json()["events"][0]["data"]["amount"] == "1600.00"
    bad = await post(finance, "/fees", {"payer_id": t5, "kind": "platform", "quantity": "1"})
    assert fields(bad) == ["size"]  # the platform fee needs the enterprise size
    fee_invoice = fee.json()["events"][0]["data"]["invoice_id"]
    as_of = date(2026, 3, 1)
    # Worked out from the park's invoices (earlier tests of the module left some): days past due
    # (issued + 15 days) as of 1 March; the fee of 5 January fell due on 20 January: 40 days, 31-60.
    invoices = (await get(finance, "/invoices"))["invoices"]
    expected_buckets = dict.fromkeys(("0-30", "31-60", "61-90", "90+"), Decimal(0))
    expected_tiers = {}
    for invoice in invoices:
        left = Decimal(invoice["amount"]) - Decimal(invoice["paid"])
        if invoice["status"] == "cancelled" or left == 0:
            continue
        late = max((as_of - date.fromisoformat(invoice["due_on"])).days, 0)
        bucket = "0-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else "90+"
        expected_buckets[bucket] += left
        if late:
            tier = "reminder" if late <= 30 else "escalation" if late <= 60 else "final_notice"
            expected_tiers[invoice["invoice_id"]] = tier
    assert expected_tiers[fee_invoice] == "escalation"
    aging = await get(finance, "/receivables/aging?as_of=2026-03-01")
    assert {k: Decimal(v) for k, v in aging["buckets"].items()} == expected_buckets
    assert Decimal(aging["outstanding"]) == sum(expected_buckets.values())
    notices = await finance.http.post(
        f"/parks/{PARK}/dunning-runs", json={"as_of": "2026-03-01"}, headers=finance.operator
    )
    tiers = {e["data"]["invoice_id"]: e["data"]["tier"] for e in notices.json()["events"]}
    assert tiers == expected_tiers
    stake = await post(
        finance,
        "/equity-stakes",
        {"stake_id": "fund-1", "tenant_id": t5, "percent": "5", "amount": "1000000.00"},
    )
    assert stake.status_code == 201, stake.text
    exit_ = await post(finance, "/equity-stakes/fund-1/exit", {"amount": "1500000.00"})
    assert exit_.json()["events"][0]["data"]["amount"] == "500000.00"  # RevenueRecognized, investment
    assert (await post(finance, "/equity-stakes/fund-1/exit", {"amount": "1.00"})).status_code == 409
    assert (await post(finance, "/equity-stakes/nope/exit", {"amount": "1.00"})).status_code == 404
    assert (await finance.http.get("/openapi.json")).status_code == 200
    channels = (await finance.http.get("/asyncapi.json")).json()["channels"]
    published = {name: c["address"] for name, c in channels.items() if name.startswith("parkops.finance.")}
    assert published == {
        f"parkops.finance.{name}.v1": f"t{finance.run}.finance.{topic}.v1"
        for name, topic in [
            ("InvoiceIssued", "invoice-issued"),
            ("PaymentReceived", "payment-received"),
            ("InvoiceOverdue", "invoice-overdue"),
            ("FundingClosed", "funding-closed"),
            ("CommissionEarned", "commission-earned"),
            ("SubsidyGranted", "subsidy-granted"),
            ("EquityStakeAcquired", "equity-stake-acquired"),
            ("RevenueRecognized", "revenue-recognized"),
            ("InvoiceCancelled", "invoice-cancelled"),
            ("CreditNoteIssued", "credit-note-issued"),
            ("CostRecognized", "cost-recognized"),
            ("SubsidyReceived", "subsidy-received"),
        ]
    }
