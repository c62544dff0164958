"""Parks and tenants for end-to-end tests, made where they are made in production: registered and
onboarded in leasing (the system of record), whose events teach every other service the park directory.
Run leasing in-process with the same run id as the service under test (same topic prefix)."""

from collections.abc import Awaitable, Callable

import httpx
from parkops_runtime.auth import Role

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


async def register_park(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    units: int = 1,
    industries: tuple[str, ...] = ("C39",),
) -> list[str]:
    """Register a park for the group (as its admin) with `units` offices; their unit ids."""
    admin = bearer(Role.GROUP_ADMIN, group)
    body = {"park_id": park_id, "name": f"Park {park_id}", "park_type": "specialized_industrial_park",
            "leading_industries": list(industries)}  # fmt: skip
    r = await leasing.post("/parks", headers=admin, json=body)
    assert r.status_code == 201, r.text
    unit_ids = []
    for i in range(units):
        unit = {"building": "A", "floor": 1 + i, "unit_number": f"A-{i}", "unit_type": "office",
                "area_m2": "100.00"}  # fmt: skip
        r = await leasing.post(f"/parks/{park_id}/units", headers=admin, json=unit)
        assert r.status_code == 201, r.text
        unit_ids.append(r.json()["unit_id"])
    return unit_ids


async def onboard_tenant(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    unit_id: str,
    seed: int,
    industry_code: str = "C3973",
    name: str | None = None,
) -> str:
    """Onboard an enterprise into one unit (as the group admin); the tenant id leasing gave it."""
    body = enterprise(seed, industry_code, [unit_id]) | ({"name": name} if name else {})
    r = await leasing.post(f"/parks/{park_id}/tenants", headers=bearer(Role.GROUP_ADMIN, group), json=body)
    assert r.status_code == 201, r.text
    tenant_id: str = r.json()["tenant_id"]
    return tenant_id


async def until_known(get: Callable[[], Awaitable[httpx.Response]], within: float = 30.0) -> httpx.Response:
    """Poll a read of the service under test until it answers 200 (it learned the park or tenant)."""

    async def probe() -> httpx.Response | None:
        r = await get()
        return r if r.status_code == 200 else None

    return await eventually(probe, within)
