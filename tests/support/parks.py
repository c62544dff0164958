"""Parks and tenants registered where they are owned: in leasing. Every other service learns them from
leasing's events (the park directory), so a test registers them through a leasing client running with
the same run id, then waits until the service under test knows them."""

import httpx
from parkops_runtime.auth import Role

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


async def register_park(leasing: httpx.AsyncClient, group: str, park_id: str) -> None:
    """Register `park_id` for `group` in leasing, as the group's admin."""
    body = {
        "park_id": park_id,
        "name": f"Park {park_id}",
        "park_type": "specialized_industrial_park",
        "leading_industries": ["C39"],
    }
    r = await leasing.post("/parks", json=body, headers=bearer(Role.GROUP_ADMIN, group))
    assert r.status_code == 201, r.text


async def onboard_tenant(leasing: httpx.AsyncClient, group: str, park_id: str, seed: int) -> str:
    """List a unit in the park and onboard an enterprise (deterministic per seed) into it; its tenant id."""
    admin = bearer(Role.GROUP_ADMIN, group)
    unit = {
        "building": "T",
        "floor": 1 + seed % 50,
        "unit_number": f"T-{seed}",
        "unit_type": "office",
        "area_m2": "100.00",
    }
    r = await leasing.post(f"/parks/{park_id}/units", json=unit, headers=admin)
    assert r.status_code == 201, r.text
    r = await leasing.post(
        f"/parks/{park_id}/tenants", json=enterprise(seed, unit_ids=[r.json()["unit_id"]]), headers=admin
    )
    assert r.status_code == 201, r.text
    tenant_id: str = r.json()["tenant_id"]
    return tenant_id


async def known(
    service: httpx.AsyncClient, path: str, headers: dict[str, str], within: float = 20
) -> httpx.Response:
    """Wait until the service answers `path` with 200: a park or tenant it learns from leasing's events
    is 404 until they reached it."""

    async def answered() -> httpx.Response | None:
        r = await service.get(path, headers=headers)
        return r if r.status_code == 200 else None

    return await eventually(answered, within)
