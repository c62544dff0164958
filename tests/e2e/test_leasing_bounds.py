"""Absurd input to leasing is a 422 naming the field, never a 500, and nothing of it is stored."""

from typing import Any

import pytest
from parkops_runtime.auth import Role

from tests.e2e.conftest import Platform
from tests.e2e.test_leasing_access import COMMITMENT, METRICS, UNIT, snapshot
from tests.support.demo import enterprise
from tests.support.parks import POLICY, lease_body, list_units, onboard_tenant, register_park
from tests.support.services import bearer

PARK = "bounded-park"
HUGE = 10**40
TOO_MANY = [f"u{i}" for i in range(1_001)]


def cases(units: list[str], tenant: str, lease: str) -> list[tuple[str, str, Any, str]]:
    """(method, path, body, the field the 422 must name)."""
    base = f"/parks/{PARK}"
    new_tenant = enterprise(500, unit_ids=[units[1]])
    sign = lease_body(tenant, units[1:2])
    commitment = {**COMMITMENT, "commitment_id": "bounded"}
    return [
        (
            "POST",
            "/parks",
            {"name": "Nul\x00Park", "park_type": "incubator", "leading_industries": ["C"]},
            "name",
        ),
        (
            "POST",
            "/parks",
            {"name": "P", "park_type": "incubator", "leading_industries": ["C"] * 51},
            "leading_industries",
        ),
        ("POST", f"{base}/units", {**UNIT, "area_m2": "1e30"}, "area_m2"),
        ("POST", f"{base}/units", {**UNIT, "area_m2": HUGE}, "area_m2"),
        ("POST", f"{base}/units", {**UNIT, "area_m2": "10.001"}, "area_m2"),
        ("POST", f"{base}/units", {**UNIT, "floor": HUGE}, "floor"),
        ("POST", f"{base}/units", {**UNIT, "building": "B\x00"}, "building"),
        ("POST", f"{base}/tenants", {**new_tenant, "founded_on": "9999-01-01"}, "founded_on"),
        ("POST", f"{base}/tenants", {**new_tenant, "founded_on": "2150-01-01"}, "founded_on"),
        ("POST", f"{base}/tenants", {**new_tenant, "headcount": HUGE}, "headcount"),
        ("POST", f"{base}/tenants", {**new_tenant, "name": "Evil\x00Corp"}, "name"),
        ("POST", f"{base}/tenants", {**new_tenant, "unit_ids": TOO_MANY}, "unit_ids"),
        ("PUT", f"{base}/pricing-policy", {**POLICY, "base_rents": {"office": "1e30"}}, "base_rents.office"),
        (
            "PUT",
            f"{base}/pricing-policy",
            {**POLICY, "base_rents": {"office": "45.123456"}},
            "base_rents.office",
        ),
        ("POST", f"{base}/quotes", {**sign, "term_months": HUGE}, "term_months"),
        ("POST", f"{base}/quotes", {**sign, "starts_on": "9999-01-01"}, "starts_on"),
        ("POST", f"{base}/leases", {**sign, "term_months": 601}, "term_months"),
        ("POST", f"{base}/leases", {**sign, "starts_on": "9999-12-01"}, "starts_on"),
        ("POST", f"{base}/leases", {**sign, "unit_ids": TOO_MANY}, "unit_ids"),
        ("POST", f"{base}/leases", {**sign, "tenant_id": "x\x00y"}, "tenant_id"),
        (
            "POST",
            f"{base}/leases",
            {**sign, "rent_for_equity": {"months_waived": 1, "equity_percent": "1e-30"}},
            "rent_for_equity.equity_percent",
        ),
        ("POST", f"{base}/leases/{lease}/renewals", {"term_months": HUGE}, "term_months"),
        (
            "POST",
            f"{base}/leases/{lease}/termination",
            {"terminated_on": "9999-12-31", "reason": "breach"},
            "terminated_on",
        ),
        (
            "POST",
            f"{base}/commitments",
            {**commitment, "benefit": {"kind": "discount", "rate": "1e-30"}},
            "benefit.rate",
        ),
        ("POST", f"{base}/commitments", {**commitment, "description": "free\x00rent"}, "description"),
        ("POST", f"{base}/commitments", {**commitment, "valid_until": "9999-01-01"}, "valid_until"),
        ("POST", f"{base}/units/{units[1]}/renovations", {"base_rent": "1e30"}, "base_rent"),
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "tax_paid": "1e30"}, "tax_paid"),
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "revenue": HUGE}, "revenue"),
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "valuation": "1.001"}, "valuation"),
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "year": 9999}, "year"),
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "year": 2199}, "year"),  # not lived yet
        ("POST", f"{base}/tenants/{tenant}/metrics", {**METRICS, "year": 1990}, "year"),  # before founding
        ("GET", f"{base}/rent-roll?on=9999-01-01", None, "on"),
        ("GET", f"{base}/vacancy?from=1800-01-01", None, "from"),
        ("GET", f"{base}/vacancy?from=1950-01-01&to=2027-01-01", None, "from"),  # a window of 77 years
        ("GET", f"{base}/expiring-leases?within_days={HUGE}", None, "within_days"),
        ("GET", f"{base}/availability?months={HUGE}", None, "months"),
    ]


@pytest.fixture(scope="module")
async def bounded_park(platform: Platform) -> tuple[list[str], str, str]:
    await register_park(platform.leasing, platform.group, PARK)
    units = await list_units(platform.leasing, platform.group, PARK, ["100.00", "80.00", "60.00"])
    r = await platform.leasing.put(f"/parks/{PARK}/pricing-policy", headers=platform.admin, json=POLICY)
    assert r.status_code == 200, r.text
    tenant = await onboard_tenant(platform.leasing, platform.group, PARK, 77, [units[2]])
    r = await platform.leasing.post(
        f"/parks/{PARK}/leases", headers=platform.admin, json=lease_body(tenant, units[:1])
    )
    assert r.status_code == 201, r.text
    return units, tenant, r.json()["lease_id"]


async def test_each_absurd_input_is_a_422_naming_its_field_and_nothing_is_stored(
    platform: Platform, bounded_park: tuple[list[str], str, str]
) -> None:
    before = await snapshot(platform, PARK)
    parks_before = (await platform.leasing.get("/parks", headers=platform.admin)).json()
    for method, path, body, field in cases(*bounded_park):
        r = await platform.leasing.request(method, path, headers=platform.admin, json=body)
        assert r.status_code == 422, (path, field, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in r.json()["errors"]], (path, r.text)
    assert await snapshot(platform, PARK) == before
    assert (await platform.leasing.get("/parks", headers=platform.admin)).json() == parks_before


async def test_a_tenant_user_reports_its_own_bounded_metrics(
    platform: Platform, bounded_park: tuple[list[str], str, str]
) -> None:
    _, tenant, _ = bounded_park
    own = bearer(Role.TENANT_USER, platform.group, [PARK], tenant=tenant)
    path = f"/parks/{PARK}/tenants/{tenant}/metrics"
    refused = await platform.leasing.post(path, headers=own, json={**METRICS, "tax_paid": "0.001"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["tax_paid"]
    biggest = {**METRICS, "tax_paid": "1000000000000.00", "revenue": "1000000000000"}
    accepted = await platform.leasing.post(path, headers=own, json=biggest)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["tax_paid"] == "1000000000000.00"
