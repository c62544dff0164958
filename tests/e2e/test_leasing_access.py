"""Who reaches what in leasing, against the real store and broker: another group's park reads exactly as a
missing one, a tenant user sees only its own enterprise, and a park id is never taken over."""

import json
import zlib
from typing import Any

import httpx
from parkops_contracts.events.leasing import ParkRegistered
from parkops_runtime.auth import Role

from tests.e2e.conftest import Platform
from tests.support.demo import enterprise
from tests.support.kafka import read_all
from tests.support.parks import POLICY, lease_body, list_units, onboard_tenant, park_body, register_park
from tests.support.services import bearer, eventually

UNIT = {"building": "Z", "floor": 1, "unit_number": "Z-1", "unit_type": "office", "area_m2": "10"}
METRICS = {"year": 2025, "tax_paid": "1000.00", "revenue": "5000.00", "headcount": 12}
COMMITMENT = {
    "commitment_id": "op-discount",
    "promisor_kind": "operator",
    "promisor": "Park operator",
    "description": "10% off for everyone",
    "benefit": {"kind": "discount", "rate": "0.1"},
    "valid_from": "2026-01-01",
    "valid_until": "2030-12-31",
}


async def park_with_two_tenants(p: Platform, park_id: str) -> tuple[list[str], str, str, str]:
    """Units, tenant A (on unit 2, with a lease of unit 0), tenant B (on unit 3), A's lease id."""
    await register_park(p.leasing, p.group, park_id)
    units = await list_units(p.leasing, p.group, park_id, ["100.00", "200.00", "50.00", "70.00"])
    assert (await p.leasing.put(f"/parks/{park_id}/pricing-policy", headers=p.admin, json=POLICY)).is_success
    seed = zlib.crc32(park_id.encode()) % 10_000 * 2  # a credit code is a tenant of one park of a group
    a = await onboard_tenant(p.leasing, p.group, park_id, seed, [units[2]])
    b = await onboard_tenant(p.leasing, p.group, park_id, seed + 1, [units[3]])
    r = await p.leasing.post(f"/parks/{park_id}/leases", headers=p.admin, json=lease_body(a, units[:1]))
    assert r.status_code == 201, r.text
    return units, a, b, r.json()["lease_id"]


def requests_for(park: str, units: list[str], tenant: str, lease: str) -> list[tuple[str, str, Any]]:
    """One request per route under /parks/{park_id}, each valid for a caller in scope."""
    base = f"/parks/{park}"
    return [
        ("GET", base, None),
        ("GET", f"{base}/units", None),
        ("POST", f"{base}/units", UNIT),
        ("GET", f"{base}/tenants", None),
        ("POST", f"{base}/tenants", enterprise(999, unit_ids=[units[1]])),
        ("GET", f"{base}/tenants/{tenant}", None),
        ("POST", f"{base}/tenants/{tenant}/metrics", METRICS),
        ("GET", f"{base}/pricing-policy", None),
        ("PUT", f"{base}/pricing-policy", POLICY),
        ("POST", f"{base}/quotes", lease_body(tenant, units[1:2])),
        ("GET", f"{base}/commitments", None),
        ("POST", f"{base}/commitments", COMMITMENT),
        ("GET", f"{base}/leases", None),
        ("POST", f"{base}/leases", lease_body(tenant, units[1:2])),
        ("GET", f"{base}/leases/{lease}", None),
        ("POST", f"{base}/leases/{lease}/renewals", {"term_months": 12}),
        ("POST", f"{base}/leases/{lease}/termination", {"terminated_on": "2027-06-30", "reason": "breach"}),
        ("GET", f"{base}/rent-roll", None),
        ("GET", f"{base}/occupancy", None),
        ("GET", f"{base}/expiring-leases", None),
        ("GET", f"{base}/vacancy", None),
        ("GET", f"{base}/availability", None),
        ("POST", f"{base}/units/{units[1]}/renovations/start", None),
        ("POST", f"{base}/units/{units[1]}/renovations", {"base_rent": "60"}),
    ]


async def send(
    client: httpx.AsyncClient, request: tuple[str, str, Any], headers: dict[str, str]
) -> httpx.Response:
    method, path, body = request
    return await client.request(method, path, headers=headers, json=body)


async def snapshot(p: Platform, park: str) -> list[Any]:
    """Everything leasing tells the owner about a park."""
    paths = ["", "/units", "/tenants", "/leases", "/commitments", "/pricing-policy"]
    return [(await p.leasing.get(f"/parks/{park}{path}", headers=p.admin)).json() for path in paths]


async def test_another_groups_admin_meets_every_route_of_a_park_as_if_it_did_not_exist(
    platform: Platform,
) -> None:
    units, tenant, _, lease = await park_with_two_tenants(platform, "owned-park")
    before = await snapshot(platform, "owned-park")
    outsider = bearer(Role.GROUP_ADMIN, f"other-{platform.run}")
    operator_elsewhere = bearer(Role.PARK_OPERATOR, platform.group, ["another-park"])

    owned = requests_for("owned-park", units, tenant, lease)
    missing = requests_for("no-such-park", units, tenant, lease)
    schema = (await platform.leasing.get("/openapi.json")).json()
    routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/parks/{park_id}")
        for method in operations
    }
    assert len(routes) == len(owned), "every route under a park is tried below"

    for caller in (outsider, operator_elsewhere):
        for there, nowhere in zip(owned, missing, strict=True):
            seen = await send(platform.leasing, there, caller)
            unknown = await send(platform.leasing, nowhere, caller)
            assert seen.status_code == unknown.status_code == 404, (there, seen.text)
            assert seen.headers["content-type"] == unknown.headers["content-type"]
            assert seen.text.replace("owned-park", "no-such-park") == unknown.text, there

    assert await snapshot(platform, "owned-park") == before  # no write went through
    listed = await platform.leasing.get("/parks", headers=outsider)
    assert listed.status_code == 200
    assert listed.json() == []


async def test_a_tenant_user_sees_its_own_enterprise_and_the_public_listing_only(platform: Platform) -> None:
    units, a, b, lease_a = await park_with_two_tenants(platform, "shared-park")
    leasing = platform.leasing
    as_b = bearer(Role.TENANT_USER, platform.group, ["shared-park"], tenant=b)

    # Tenant A's record and lease read exactly like ones that do not exist.
    for path, unknown in [
        (f"/parks/shared-park/tenants/{a}", "/parks/shared-park/tenants/nobody"),
        (f"/parks/shared-park/leases/{lease_a}", "/parks/shared-park/leases/nothing"),
    ]:
        theirs, missing = await leasing.get(path, headers=as_b), await leasing.get(unknown, headers=as_b)
        assert theirs.status_code == missing.status_code == 404
        assert (
            theirs.json()["detail"].replace(a, "nobody").replace(lease_a, "nothing")
            == missing.json()["detail"]
        )
    quote = await leasing.post("/parks/shared-park/quotes", headers=as_b, json=lease_body(a, units[1:2]))
    assert quote.status_code == 404
    metrics_for_a = await leasing.post(f"/parks/shared-park/tenants/{a}/metrics", headers=as_b, json=METRICS)
    assert metrics_for_a.status_code == 404

    tenants = (await leasing.get("/parks/shared-park/tenants", headers=as_b)).json()
    assert [t["tenant_id"] for t in tenants] == [b]
    assert (await leasing.get("/parks/shared-park/leases", headers=as_b)).json() == []
    assert (await leasing.get("/parks/shared-park/expiring-leases?on=2027-12-01", headers=as_b)).json() == []
    b_lease = lease_body(b, units[3:], "2027-01-01")  # onboarding occupies nothing: a lease does
    assert (await leasing.post("/parks/shared-park/leases", headers=platform.admin, json=b_lease)).is_success
    listing = await leasing.get("/parks/shared-park/units?on=2027-02-01", headers=as_b)  # A's lease too
    assert listing.status_code == 200
    occupants = {u["unit_id"]: u["tenant_id"] for u in listing.json()}
    assert occupants == {units[0]: None, units[1]: None, units[2]: None, units[3]: b}
    assert a not in listing.text
    chart = await leasing.get("/parks/shared-park/availability?from=2027-01-01&months=2", headers=as_b)
    assert chart.status_code == 200
    assert a not in chart.text
    park = (await leasing.get("/parks/shared-park", headers=as_b)).json()
    assert park["tenant_count"] is None
    assert [p["park_id"] for p in (await leasing.get("/parks", headers=as_b)).json()] == ["shared-park"]
    for figure in ("rent-roll", "occupancy", "vacancy", "pricing-policy", "commitments"):
        refused = await leasing.get(f"/parks/shared-park/{figure}", headers=as_b)
        assert refused.status_code == 403, figure
        assert a not in refused.text

    own = await leasing.post(f"/parks/shared-park/tenants/{b}/metrics", headers=as_b, json=METRICS)
    assert own.status_code == 201, own.text
    before_future = await leasing.get(f"/parks/shared-park/tenants/{b}", headers=as_b)
    assert before_future.json()["tenant_id"] == b
    for method, path, body in [
        ("POST", "/parks/shared-park/units", UNIT),
        ("POST", "/parks/shared-park/leases", lease_body(b, units[1:2])),
        (
            "POST",
            f"/parks/shared-park/leases/{lease_a}/termination",
            {"terminated_on": "2027-06-30", "reason": "breach"},
        ),
    ]:
        assert (await leasing.request(method, path, headers=as_b, json=body)).status_code == 403, path

    # The staff still see everyone; an auditor sees everything and changes nothing.
    staff_view = (await leasing.get("/parks/shared-park/units?on=2027-02-01", headers=platform.admin)).json()
    assert {u["unit_id"]: u["tenant_id"] for u in staff_view}[units[0]] == a  # A's lease
    auditor = bearer(Role.AUDITOR, platform.group)
    assert (await leasing.get(f"/parks/shared-park/tenants/{a}", headers=auditor)).status_code == 200
    for method, path, body in [
        ("POST", f"/parks/shared-park/tenants/{a}/metrics", METRICS),
        ("POST", "/parks/shared-park/units", UNIT),
        ("PUT", "/parks/shared-park/pricing-policy", POLICY),
        ("POST", "/parks/shared-park/commitments", COMMITMENT),
    ]:
        assert (await leasing.request(method, path, headers=auditor, json=body)).status_code == 403, path
    # A tenant user whose enterprise is no tenant of the park does not reach it.
    stranger = bearer(Role.TENANT_USER, platform.group, ["shared-park"], tenant="elsewhere")
    assert (await leasing.get("/parks/shared-park/units", headers=stranger)).status_code == 404
    assert (await leasing.get("/parks", headers=stranger)).json() == []


async def test_a_taken_park_id_is_refused_without_a_word_about_its_park(platform: Platform) -> None:
    await register_park(platform.leasing, platform.group, "coveted-park")
    await list_units(platform.leasing, platform.group, "coveted-park", ["300.00"])
    before = await snapshot(platform, "coveted-park")
    rival_group = f"rival-{platform.run}"
    rival = bearer(Role.GROUP_ADMIN, rival_group)
    body = park_body("coveted-park", "Squatted", industries=("M73",))

    for caller in (rival, platform.admin):
        taken = await platform.leasing.post("/parks", headers=caller, json=body)
        assert taken.status_code == 409
        assert taken.json()["detail"] == "park id coveted-park is taken"
        assert platform.group not in taken.text
        assert "Park coveted-park" not in taken.text

    assert await snapshot(platform, "coveted-park") == before
    assert (await platform.leasing.get("/parks/coveted-park", headers=rival)).status_code == 404
    await register_park(platform.leasing, rival_group, "rival-own-park")
    rivals = (await platform.leasing.get("/parks", headers=rival)).json()
    assert [p["park_id"] for p in rivals] == ["rival-own-park"]
    ours = [p["park_id"] for p in (await platform.leasing.get("/parks", headers=platform.admin)).json()]
    assert "coveted-park" in ours
    assert "rival-own-park" not in ours

    async def registered_so_far() -> list[dict[str, Any]] | None:
        topic = ParkRegistered.topic(f"t{platform.run}")
        records = await read_all(platform.infra.kafka_bootstrap_servers, topic, 10_000, timeout_s=1)
        found = [json.loads(r.value) for r in records]
        return found if any(e["park_id"] == "rival-own-park" for e in found) else None

    registered = await eventually(registered_so_far)  # registered after the refusals
    assert [e["group_id"] for e in registered if e["park_id"] == "coveted-park"] == [platform.group]
