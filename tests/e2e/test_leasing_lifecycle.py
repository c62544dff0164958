"""Pricing, commitments and the lease lifecycle over HTTP against the real store, events on Kafka."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import LeaseRenewed, LeaseSigned, LeaseTerminated, RentForEquityAgreed
from parkops_runtime.auth import Role

from tests.e2e.conftest import TODAY, Platform
from tests.e2e.test_first_slice import make_park
from tests.support.demo import enterprise
from tests.support.kafka import read_all
from tests.support.parks import POLICY, lease_body
from tests.support.services import bearer


async def leasing_park(p: Platform, park_id: str, founded_on: str = "2015-06-01") -> tuple[list[str], str]:
    """A park with 3 units and a pricing policy; one tenant (onboarded on the third unit)."""
    units = await make_park(p, park_id, ["100.00", "200.00", "50.00"])
    r = await p.leasing.put(f"/parks/{park_id}/pricing-policy", headers=p.admin, json=POLICY)
    assert r.status_code == 200, r.text
    body = {**enterprise(hash(park_id) % 10_000, unit_ids=[units[2]]), "founded_on": founded_on}
    r = await p.leasing.post(f"/parks/{park_id}/tenants", headers=p.admin, json=body)
    assert r.status_code == 201, r.text
    return units, r.json()["tenant_id"]


async def test_quote_sign_renew_terminate_with_events(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "life-park")
    admin, leasing = platform.admin, platform.leasing
    quote = await leasing.post(
        "/parks/life-park/quotes", headers=admin, json=lease_body(tenant, units[:1], term=36)
    )
    assert quote.status_code == 200, quote.text
    q = quote.json()
    assert [r["rule"] for r in q["rules"]] == ["base_rent", "industry_fit_discount", "long_lease_step_down"]
    assert [q["schedule"][m]["rent"] for m in (0, 12, 24)] == ["3600.00", "3420.00", "3249.00"]

    equity = {"months_waived": 6, "equity_percent": "1.5"}
    signed = await leasing.post(
        "/parks/life-park/leases",
        headers=admin,
        json={**lease_body(tenant, units[:1]), "rent_for_equity": equity},
    )
    assert signed.status_code == 201, signed.text
    lease = signed.json()
    assert lease["equity"]["waived_amount"] == "21600.00"
    assert lease["equity"]["implied_valuation"] == "1440000.00"
    renewed = await leasing.post(
        f"/parks/life-park/leases/{lease['lease_id']}/renewals", headers=admin, json={"term_months": 24}
    )
    assert renewed.status_code == 201, renewed.text
    renewal = renewed.json()
    assert (renewal["starts_on"], renewal["renewal_number"]) == ("2028-01-01", 1)
    ended = await leasing.post(
        f"/parks/life-park/leases/{renewal['lease_id']}/termination",
        headers=admin,
        json={"terminated_on": "2028-06-30", "reason": "expansion_elsewhere"},
    )
    assert ended.status_code == 200, ended.text
    again = await leasing.post(
        f"/parks/life-park/leases/{renewal['lease_id']}/termination",
        headers=admin,
        json={"terminated_on": "2028-06-30", "reason": "breach"},
    )
    assert again.status_code == 409
    assert "already terminated" in again.json()["detail"]

    prefix, kafka = f"t{platform.run}", platform.infra.kafka_bootstrap_servers

    async def published(contract: type[Event], lease_id: str) -> list[dict[str, Any]]:
        """Every record of the lease on the contract's topic, copies included."""
        records = await read_all(kafka, contract.topic(prefix), at_least=1)
        return [e for e in (json.loads(r.value) for r in records) if e["lease_id"] == lease_id]

    ids = {"park_id": "life-park", "group_id": platform.group, "tenant_id": tenant}
    (signed_event,) = await published(LeaseSigned, lease["lease_id"])
    waived, paying = signed_event["schedule"][:6], signed_event["schedule"][6:]
    assert signed_event == signed_event | ids | {
        "unit_ids": units[:1],
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "term_months": 12,
        "monthly_base_rent": "4500.00",  # 100 m² x 45 CNY/m², before the 20% industry-fit discount
        "total_rent": "21600.00",  # months 7-12 at 3,600; months 1-6 waived for equity
    }
    assert [(x["month"], x["rent"]) for x in waived] == [(m, "0.00") for m in range(1, 7)]
    assert [(x["month"], x["rent"]) for x in paying] == [(m, "3600.00") for m in range(7, 13)]
    assert at(signed_event["signed_at"]) == TODAY
    (equity_event,) = await published(RentForEquityAgreed, lease["lease_id"])
    assert at(equity_event.pop("agreed_at")) == TODAY
    assert equity_event == ids | {
        "lease_id": lease["lease_id"],
        "months_waived": 6,
        "equity_percent": "1.5",
        "waived_amount": "21600.00",  # 6 months x 3,600
        "implied_valuation": "1440000.00",  # 21,600 / 1.5%
    }
    (renewed_event,) = await published(LeaseRenewed, renewal["lease_id"])
    assert at(renewed_event.pop("renewed_at")) == TODAY
    assert renewed_event == ids | {
        "lease_id": renewal["lease_id"],
        "previous_lease_id": lease["lease_id"],
        "renewal_number": 1,
        "unit_ids": units[:1],
        "leased_area_m2": renewal["area_m2"],
        "starts_on": "2028-01-01",
        "ends_on": "2029-12-31",
        "term_months": 24,
        "monthly_base_rent": "4500.00",
        "total_rent": renewal["total_rent"],
        "schedule": renewal["schedule"],
        "rules": renewed_event["rules"],
    }
    assert len(renewed_event["schedule"]) == 24
    total = sum(Decimal(x["rent"]) for x in renewed_event["schedule"])
    assert str(total) == renewal["total_rent"]
    (ended_event,) = await published(LeaseTerminated, renewal["lease_id"])
    assert at(ended_event.pop("terminated_at")) == TODAY
    assert ended_event == ids | {
        "lease_id": renewal["lease_id"],
        "unit_ids": units[:1],
        "released_area_m2": "100.00",
        "terminated_on": "2028-06-30",
        "reason": "expansion_elsewhere",
    }


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


async def test_commitments_correct_quotes_and_contradictions_are_refused(platform: Platform) -> None:
    units, startup = await leasing_park(platform, "policy-park", founded_on="2026-03-01")
    admin, leasing = platform.admin, platform.leasing
    government = {
        "commitment_id": "gov-ic-2y",
        "promisor_kind": "government",
        "promisor": "District Science and Technology Bureau",
        "description": "2 years rent-free for IC-design startups",
        "eligibility": {"industry_prefixes": ["C39"], "stages": ["startup"]},
        "benefit": {"kind": "rent_free_months", "months": 24},
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
    }
    r = await leasing.post("/parks/policy-park/commitments", headers=admin, json=government)
    assert r.status_code == 201, r.text
    operator = {
        **government,
        "commitment_id": "op-half-year",
        "promisor_kind": "operator",
        "promisor": "Park operator",
        "description": "6 months rent-free for startups",
        "eligibility": {"stages": ["startup"]},
        "benefit": {"kind": "rent_free_months", "months": 6},
    }
    clash = await leasing.post("/parks/policy-park/commitments", headers=admin, json=operator)
    assert clash.status_code == 409
    assert "op-half-year" in clash.json()["detail"]
    assert "gov-ic-2y" in clash.json()["detail"]

    quote = await leasing.post(
        "/parks/policy-park/quotes", headers=admin, json=lease_body(startup, units[:1], term=36)
    )
    assert quote.status_code == 200, quote.text
    q = quote.json()
    assert q["rent_free_months"] == 24
    line = next(r for r in q["rules"] if r["rule"] == "policy_commitment")
    assert line["commitment_id"] == "gov-ic-2y"
    assert "raised from 6 to 24 months" in line["explanation"]
    listed = (await leasing.get("/parks/policy-park/commitments", headers=admin)).json()
    assert [c["commitment_id"] for c in listed] == ["gov-ic-2y"]


async def test_bad_input_is_refused_and_nothing_is_half_written(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "strict-lease-park")
    admin, leasing = platform.admin, platform.leasing
    first = await leasing.post(
        "/parks/strict-lease-park/leases", headers=admin, json=lease_body(tenant, units[:1])
    )
    assert first.status_code == 201, first.text
    before = (await leasing.get("/parks/strict-lease-park/leases", headers=admin)).json()

    bad = await leasing.post(
        "/parks/strict-lease-park/leases",
        headers=admin,
        json={**lease_body(tenant, units[1:2]), "term_months": 0, "starts_on": "2027-13-01"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"term_months", "starts_on"}
    overlapping = await leasing.post(
        "/parks/strict-lease-park/leases",
        headers=admin,
        json=lease_body(tenant, [units[1], units[0]], "2027-12-31"),
    )
    assert overlapping.status_code == 409
    assert first.json()["lease_id"] in overlapping.json()["detail"]
    unknown = await leasing.post(
        "/parks/strict-lease-park/leases", headers=admin, json=lease_body(tenant, ["nope"])
    )
    assert unknown.status_code == 404
    nowhere = await leasing.post(
        "/parks/no-such-park/leases", headers=admin, json=lease_body(tenant, units[:1])
    )
    assert nowhere.status_code == 404
    bad_policy = await leasing.put(
        "/parks/strict-lease-park/pricing-policy",
        headers=admin,
        json={**POLICY, "industry_fit_discount": "0.5"},
    )
    assert bad_policy.status_code == 422
    assert [e["field"] for e in bad_policy.json()["errors"]] == ["industry_fit_discount"]
    operator = bearer(Role.PARK_OPERATOR, platform.group, ["strict-lease-park"])
    denied = await leasing.put("/parks/strict-lease-park/pricing-policy", headers=operator, json=POLICY)
    assert denied.status_code == 403

    after = (await leasing.get("/parks/strict-lease-park/leases", headers=admin)).json()
    assert after == before
    units_now = (await leasing.get("/parks/strict-lease-park/units", headers=admin)).json()
    assert {u["unit_id"]: u["status"] for u in units_now}[units[1]] == "available"


async def test_queries_and_tenant_scoping(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "query-park")
    admin, leasing = platform.admin, platform.leasing
    r = await leasing.post(
        "/parks/query-park/leases", headers=admin, json=lease_body(tenant, units[:2], "2027-01-01", 6)
    )
    assert r.status_code == 201, r.text
    lease_id = r.json()["lease_id"]
    roll = (await leasing.get("/parks/query-park/rent-roll?on=2027-02-15", headers=admin)).json()
    assert [(x["tenant_id"], x["monthly_rent"]) for x in roll] == [(tenant, "10800.00")]
    occ = (await leasing.get("/parks/query-park/occupancy?on=2027-02-15", headers=admin)).json()
    # the tenant's onboarding into the third unit occupies nothing: 300 of 350 m² are leased
    assert (occ["units_occupied"], occ["units_total"], occ["occupancy_by_area"]) == (2, 3, "0.8571")
    due = (
        await leasing.get("/parks/query-park/expiring-leases?on=2027-06-01&within_days=30", headers=admin)
    ).json()
    assert [x["ends_on"] for x in due] == ["2027-06-30"]
    vacancy = (
        await leasing.get("/parks/query-park/vacancy?from=2027-01-01&to=2027-12-31", headers=admin)
    ).json()
    assert {v["unit_id"]: v["vacant_days"] for v in vacancy}[units[0]] == 365 - 181

    chart = (
        await leasing.get("/parks/query-park/availability?from=2027-05-10&months=3", headers=admin)
    ).json()
    row = next(r for r in chart if r["unit_id"] == units[0])
    assert row["months"] == {"2027-05": "let", "2027-06": "let", "2027-07": "available"}

    # An enterprise that is no tenant of the park does not reach it at all.
    stranger = bearer(Role.TENANT_USER, platform.group, ["query-park"], tenant="someone-else")
    assert (await leasing.get("/parks/query-park/leases", headers=stranger)).status_code == 404
    quote = await leasing.post(
        "/parks/query-park/quotes", headers=stranger, json=lease_body(tenant, units[:1])
    )
    assert quote.status_code == 404
    assert (await leasing.get(f"/parks/query-park/leases/{lease_id}", headers=stranger)).status_code == 404
    own = bearer(Role.TENANT_USER, platform.group, ["query-park"], tenant=tenant)
    roll_as_tenant = await leasing.get("/parks/query-park/rent-roll?on=2027-02-15", headers=own)
    assert roll_as_tenant.status_code == 403  # a park-wide figure
    assert len((await leasing.get("/parks/query-park/leases", headers=own)).json()) == 1
    assert (await leasing.get(f"/parks/query-park/leases/{lease_id}", headers=own)).status_code == 200
    metrics = {
        "year": 2026,
        "tax_paid": "1200000",
        "revenue": "9000000",
        "headcount": 40,
        "funding_raised": "0",
    }
    assert (
        await leasing.post(f"/parks/query-park/tenants/{tenant}/metrics", headers=own, json=metrics)
    ).status_code == 201
    sign = await leasing.post(
        "/parks/query-park/leases", headers=own, json=lease_body(tenant, units[:1], "2030-01-01")
    )
    assert sign.status_code == 403


async def test_renovation_takes_a_unit_off_the_market_and_keyed_commands_act_once(platform: Platform) -> None:
    units, tenant = await leasing_park(platform, "works-park")
    admin, leasing = platform.admin, platform.leasing
    base = f"/parks/works-park/units/{units[0]}/renovations"
    started = await leasing.post(f"{base}/start", headers=admin)
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "renovating"
    refused = await leasing.post(
        "/parks/works-park/leases", headers=admin, json=lease_body(tenant, units[:1])
    )
    assert refused.status_code == 409
    assert "under renovation" in refused.json()["detail"]
    done = await leasing.post(base, headers=admin, json={"base_rent": "80"})
    assert (done.status_code, done.json()["status"]) == (200, "available")
    signed = await leasing.post("/parks/works-park/leases", headers=admin, json=lease_body(tenant, units[:1]))
    assert signed.status_code == 201, signed.text
    lease_id = signed.json()["lease_id"]

    renew = {"headers": admin | {"Idempotency-Key": "renew-works-1"}, "json": {"term_months": 12}}
    first, second = [
        await leasing.post(f"/parks/works-park/leases/{lease_id}/renewals", **renew) for _ in "12"
    ]
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["lease_id"] == second.json()["lease_id"]
    end = {
        "headers": admin | {"Idempotency-Key": "end-works-1"},
        "json": {"terminated_on": "2028-03-31", "reason": "relocation"},
    }
    renewal_id = first.json()["lease_id"]
    ended = [await leasing.post(f"/parks/works-park/leases/{renewal_id}/termination", **end) for _ in "12"]
    assert [r.status_code for r in ended] == [200, 200]
    leases = (await leasing.get("/parks/works-park/leases", headers=admin)).json()
    assert [x["status"] for x in leases if x["lease_id"] in (lease_id, renewal_id)] == [
        "renewed",
        "terminated",
    ]
