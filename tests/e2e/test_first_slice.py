"""register a park, list units, onboard a tenant over HTTP -> TenantOnboarded on Kafka -> kpi occupancy."""

import httpx
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings

from tests.e2e.conftest import TODAY, Platform
from tests.support.demo import enterprise
from tests.support.parks import POLICY, lease_body, list_units, register_park
from tests.support.services import eventually, isolated_settings, serving


async def make_park(p: Platform, park_id: str, areas: list[str]) -> list[str]:
    await register_park(p.leasing, p.group, park_id)
    return await list_units(p.leasing, p.group, park_id, areas)


async def occupancy(p: Platform, park_id: str) -> httpx.Response:
    return await p.kpi.get(f"/parks/{park_id}/occupancy", headers=p.admin)


async def test_onboarding_over_http_reaches_the_kpi_occupancy(platform: Platform) -> None:
    """Onboarding makes a tenant and occupies nothing; the lease signed over HTTP occupies its unit
    (leasing's UnitOccupied), and kpi's occupancy is leasing's figure."""
    units = await make_park(platform, "slice-park", ["100.00", "300.00"])
    admin, leasing = platform.admin, platform.leasing
    r = await leasing.post(
        "/parks/slice-park/tenants", headers=admin, json=enterprise(1, unit_ids=[units[1]])
    )
    assert r.status_code == 201, r.text
    assert r.json()["in_leading_industry"] is True
    policy = await leasing.put("/parks/slice-park/pricing-policy", headers=admin, json=POLICY)
    assert policy.status_code == 200, policy.text
    start = TODAY.date().isoformat()
    lease = lease_body(r.json()["tenant_id"], units[1:], start=start, term=24)
    signed = await leasing.post("/parks/slice-park/leases", headers=admin, json=lease)
    assert signed.status_code == 201, signed.text

    async def occupied() -> dict[str, object] | None:
        response = await occupancy(platform, "slice-park")
        body = response.json() if response.status_code == 200 else {}
        return body if body.get("tenants") == 1 and body.get("units_total") == 2 else None

    body = await eventually(occupied)
    assert body["occupancy_by_area"] == "0.7500"
    assert body["occupancy_by_count"] == "0.5000"
    assert body["area_leased_m2"] == "300.00"


async def test_bad_input_is_refused_and_nothing_is_half_written(platform: Platform) -> None:
    units = await make_park(platform, "strict-park", ["120.50"])
    admin, leasing = platform.admin, platform.leasing
    first = await leasing.post(
        "/parks/strict-park/tenants", headers=admin, json=enterprise(7, unit_ids=units)
    )
    assert first.status_code == 201, first.text
    before = (await leasing.get("/parks/strict-park", headers=admin)).json()

    duplicate = await leasing.post(
        "/parks/strict-park/tenants", headers=admin, json=enterprise(7, unit_ids=units)
    )
    assert duplicate.status_code == 409
    assert enterprise(7)["credit_code"] in duplicate.json()["detail"]

    invalid = await leasing.post(
        "/parks/strict-park/tenants",
        headers=admin,
        json={**enterprise(8, unit_ids=units), "credit_code": "123", "headcount": -1},
    )
    assert invalid.status_code == 422
    fields = {(e["location"], e["field"]) for e in invalid.json()["errors"]}
    assert {("body", "credit_code"), ("body", "headcount")} <= fields

    unknown_unit = await leasing.post(
        "/parks/strict-park/tenants", headers=admin, json=enterprise(9, unit_ids=["no-such-unit"])
    )
    assert unknown_unit.status_code == 404
    elsewhere = await make_park(platform, "strict-park-2", ["80.00"])  # a credit code: one park per group
    taken = await leasing.post(
        "/parks/strict-park-2/tenants", headers=admin, json=enterprise(7, unit_ids=elsewhere)
    )
    assert taken.status_code == 409
    assert taken.json()["detail"].startswith("credit_code:")
    assert (await leasing.get("/parks/no-such-park", headers=admin)).status_code == 404
    bad_park = await leasing.post("/parks", headers=admin, json={"name": "", "park_type": "castle"})
    assert bad_park.status_code == 422
    assert {e["field"] for e in bad_park.json()["errors"]} >= {"name", "park_type", "leading_industries"}

    after = (await leasing.get("/parks/strict-park", headers=admin)).json()
    assert after == before
    assert len((await leasing.get("/parks/strict-park/tenants", headers=admin)).json()) == 1


async def test_a_restarted_kpi_rebuilds_the_same_occupancy_from_the_log(platform: Platform) -> None:
    live = await eventually(lambda: _occupancy_with_tenants(platform.kpi, platform.admin, "slice-park"))
    # Same database and topics, no snapshot saved yet: the new instance folds the log from its beginning.
    settings = isolated_settings(
        KpiSettings, platform.infra, platform.run, consumer_group_name=f"t{platform.run}.kpi.restart"
    )
    async with serving(create_kpi(settings)) as restarted:

        async def ready() -> bool:  # the view has folded what the log held when it started
            return (await restarted.get("/health/ready")).status_code == 200

        await eventually(ready)
        rebuilt = await occupancy_of(restarted, platform.admin, "slice-park")
    assert rebuilt.status_code == 200
    assert rebuilt.json() == live


async def occupancy_of(kpi: httpx.AsyncClient, headers: dict[str, str], park_id: str) -> httpx.Response:
    return await kpi.get(f"/parks/{park_id}/occupancy", headers=headers)


async def _occupancy_with_tenants(kpi: httpx.AsyncClient, headers: dict[str, str], park_id: str) -> object:
    response = await occupancy_of(kpi, headers, park_id)
    return response.json() if response.status_code == 200 and response.json()["tenants"] else None
