"""leasing owns occupancy and tenancy (issue 16, ADR 12), over HTTP against the real store and broker:
UnitOccupied per unit on signing and again on termination, occupancy as of a date (a lease that runs
out frees its units the day after), onboarding that occupies nothing, and a credit code that is a
current tenant of one park of a group at a time.

Dates are written against the tests' clock (`TODAY`, 1 Dec 2026); every figure is counted by hand."""

import json
import zlib
from typing import Any

from parkops_contracts.events.leasing import UnitOccupied
from parkops_runtime.auth import Role

from tests.e2e.conftest import TODAY, Platform
from tests.support.demo import enterprise
from tests.support.kafka import read_all
from tests.support.parks import POLICY, lease_body, list_units, register_park
from tests.support.services import bearer

LISTED = "2025-01-01"
"""The parks' units are on the market before any lease of these tests starts (a lease never starts before
its units are listed)."""


def seed(park_id: str) -> int:
    return zlib.crc32(park_id.encode()) % 10_000


async def park_with_tenant(p: Platform, park_id: str, areas: list[str]) -> tuple[list[str], str]:
    await register_park(p.leasing, p.group, park_id)
    units = await list_units(p.leasing, p.group, park_id, areas, listed_on=LISTED)
    assert (await p.leasing.put(f"/parks/{park_id}/pricing-policy", headers=p.admin, json=POLICY)).is_success
    body = enterprise(seed(park_id), unit_ids=units[-1:])  # asks for the last unit
    r = await p.leasing.post(f"/parks/{park_id}/tenants", headers=p.admin, json=body)
    assert r.status_code == 201, r.text
    return units, r.json()["tenant_id"]


async def test_unit_occupied_is_published_per_unit_on_signing_and_again_on_termination(
    platform: Platform,
) -> None:
    units, tenant = await park_with_tenant(platform, "occupied-park", ["100.00", "200.00", "50.00"])
    leasing, admin = platform.leasing, platform.admin
    signed = await leasing.post(
        "/parks/occupied-park/leases", headers=admin, json=lease_body(tenant, units[:2], "2027-01-01", 12)
    )
    assert signed.status_code == 201, signed.text
    lease_id = signed.json()["lease_id"]
    ended = await leasing.post(
        f"/parks/occupied-park/leases/{lease_id}/termination",
        headers=admin,
        json={"terminated_on": "2027-04-15", "reason": "relocation"},
    )
    assert ended.status_code == 200, ended.text

    records = await read_all(
        platform.infra.kafka_bootstrap_servers, UnitOccupied.topic(f"t{platform.run}"), at_least=4
    )
    every: list[dict[str, Any]] = [json.loads(r.value) for r in records]
    found = [e for e in every if e["lease_id"] == lease_id]
    spans = sorted((e["unit_id"], e["area_m2"], e["occupied_from"], e["occupied_until"]) for e in found)
    assert spans == sorted(
        [
            (units[0], "100.00", "2027-01-01", "2027-12-31"),  # on signing: the whole term
            (units[1], "200.00", "2027-01-01", "2027-12-31"),
            (units[0], "100.00", "2027-01-01", "2027-04-15"),  # on termination: to its date
            (units[1], "200.00", "2027-01-01", "2027-04-15"),
        ]
    )
    assert {(e["tenant_id"], e["park_id"], e["group_id"]) for e in found} == {
        (tenant, "occupied-park", platform.group)
    }
    # the onboarding into the third unit published no occupation at all
    assert not any(e["unit_id"] == units[2] for e in every)

    roll = (await leasing.get("/parks/occupied-park/rent-roll?on=2027-04-01", headers=admin)).json()
    # April has 30 days: 15/30 of the month's rent, as finance bills it; nothing after
    [line] = roll  # 300 m² x 45 CNY/m² less the 20% industry-fit discount = 10,800.00 a month
    assert (line["monthly_rent"], line["remaining_rent"]) == ("5400.00", "5400.00")
    assert line["ends_on"] == "2027-04-15"


async def test_occupancy_reports_answer_as_of_a_date(platform: Platform) -> None:
    units, tenant = await park_with_tenant(platform, "as-of-park", ["100.00", "300.00"])
    leasing, admin = platform.leasing, platform.admin
    r = await leasing.post(
        "/parks/as-of-park/leases", headers=admin, json=lease_body(tenant, units[:1], "2026-01-01", 12)
    )  # started in the past, ran out on 31 Dec 2026, never renewed
    assert r.status_code == 201, r.text

    async def occupancy(on: str) -> tuple[int, str]:
        body = (await leasing.get(f"/parks/as-of-park/occupancy?on={on}", headers=admin)).json()
        return body["units_occupied"], body["occupancy_by_area"]

    assert await occupancy("2026-12-31") == (1, "0.2500")  # 100 of 400 m²; the onboarding holds nothing
    assert await occupancy("2027-01-01") == (0, "0.0000")  # the day after the lease ran out
    today = (await leasing.get("/parks/as-of-park/occupancy", headers=admin)).json()
    assert (today["on"], today["units_occupied"]) == (TODAY.date().isoformat(), 1)

    async def statuses(on: str) -> dict[str, tuple[str, str | None]]:
        found = (await leasing.get(f"/parks/as-of-park/units?on={on}", headers=admin)).json()
        return {u["unit_id"]: (u["status"], u["tenant_id"]) for u in found}

    assert await statuses("2026-06-30") == {units[0]: ("leased", tenant), units[1]: ("available", None)}
    assert await statuses("2027-01-01") == {units[0]: ("available", None), units[1]: ("available", None)}
    roll = (await leasing.get("/parks/as-of-park/rent-roll?on=2027-01-01", headers=admin)).json()
    assert roll == []
    vacancy = (await leasing.get("/parks/as-of-park/vacancy?on=2027-01-31", headers=admin)).json()
    vacant = {v["unit_id"]: v["vacant_days"] for v in vacancy}
    assert vacant[units[0]] == 31  # let every listed day of 2026, vacant all of January 2027
    chart = (await leasing.get("/parks/as-of-park/availability?on=2026-12-15&months=2", headers=admin)).json()
    assert {row["unit_id"]: row["months"] for row in chart}[units[0]] == {
        "2026-12": "let",
        "2027-01": "available",
    }

    for path in ("occupancy", "rent-roll", "units", "vacancy", "availability"):
        bad = await leasing.get(f"/parks/as-of-park/{path}?on=2200-01-01", headers=admin)
        assert bad.status_code == 422, (path, bad.text)
        assert {(e["location"], e["field"]) for e in bad.json()["errors"]} == {("query", "on")}
    clash = await leasing.get("/parks/as-of-park/vacancy?on=2027-01-31&to=2027-01-30", headers=admin)
    assert clash.status_code == 422
    assert "on:" in clash.json()["detail"]


async def test_a_credit_code_is_a_tenant_of_one_park_per_group(platform: Platform) -> None:
    leasing, admin = platform.leasing, platform.admin
    first_units, first = await park_with_tenant(platform, "code-park-a", ["100.00"])
    await register_park(leasing, platform.group, "code-park-b")
    b_units = await list_units(leasing, platform.group, "code-park-b", ["80.00"])
    body = enterprise(seed("code-park-a"), unit_ids=b_units)
    code = body["credit_code"]
    again = await leasing.post("/parks/code-park-b/tenants", headers=admin, json=body)
    assert again.status_code == 409, again.text
    assert again.json()["detail"].startswith(f"credit_code: {code} is already a tenant of park code-park-a")

    other_group = f"other-{platform.run}"
    await register_park(leasing, other_group, "code-park-c")
    c_units = await list_units(leasing, other_group, "code-park-c", ["80.00"])
    elsewhere = await leasing.post(
        "/parks/code-park-c/tenants",
        headers=bearer(Role.GROUP_ADMIN, other_group),
        json={**body, "unit_ids": c_units},
    )
    assert elsewhere.status_code == 201, elsewhere.text  # another group: another claim

    # after it left the first park (its only lease ran out before today) it may be onboarded again
    r = await leasing.post(
        "/parks/code-park-a/leases", headers=admin, json=lease_body(first, first_units, "2025-06-01", 12)
    )
    assert r.status_code == 201, r.text
    moved = await leasing.post(
        "/parks/code-park-b/tenants",
        headers=admin,
        json={**body, "onboarded_on": "2026-11-02"},
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["onboarded_on"] == "2026-11-02"

    future = await leasing.post(
        "/parks/code-park-b/tenants",
        headers=admin,
        json={**enterprise(seed("code-park-b"), unit_ids=b_units), "onboarded_on": "2026-12-02"},
    )
    assert future.status_code == 422
    assert future.json()["detail"].startswith("onboarded_on:")
