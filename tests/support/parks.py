"""Parks and tenants made through leasing's API, the system of record every other service learns from.

Other services learn them from leasing's ParkRegistered and TenantOnboarded (their park directory): a
test makes them here, then waits until the service under test `known`s them."""

import httpx
from fastapi import FastAPI
from parkops_runtime.auth import Role
from parkops_runtime.directory import Directory

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


def admin_of(group: str) -> dict[str, str]:
    return bearer(Role.GROUP_ADMIN, group)


async def register_park(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    leading_industries: tuple[str, ...] = ("C39",),
    park_type: str = "specialized_industrial_park",
) -> dict[str, object]:
    """Register `park_id` for `group` (as its group admin); the park as leasing answers it."""
    body = {
        "park_id": park_id,
        "name": f"Park {park_id}",
        "park_type": park_type,
        "leading_industries": list(leading_industries),
    }
    r = await leasing.post("/parks", headers=admin_of(group), json=body)
    assert r.status_code == 201, r.text
    park: dict[str, object] = r.json()
    return park


async def list_units(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    areas: list[str],
    unit_type: str = "rnd_building",
    building: str = "A",
) -> list[str]:
    """List one unit per area in `building` (floors 1, 2, ...); their ids. Unit numbers repeat per
    building: list more units later in another building."""
    unit_ids = []
    for i, area in enumerate(areas):
        body = {
            "building": building,
            "floor": 1 + i,
            "unit_number": f"A-{i}",
            "unit_type": unit_type,
            "area_m2": area,
        }
        r = await leasing.post(f"/parks/{park_id}/units", headers=admin_of(group), json=body)
        assert r.status_code == 201, r.text
        unit_ids.append(r.json()["unit_id"])
    return unit_ids


async def onboard_tenant(
    leasing: httpx.AsyncClient, group: str, park_id: str, unit_ids: list[str], seed: int, **profile: object
) -> str:
    """Onboard a valid enterprise (deterministic per seed) into `unit_ids`; its tenant id."""
    body = {**enterprise(seed, unit_ids=unit_ids), **profile}
    r = await leasing.post(f"/parks/{park_id}/tenants", headers=admin_of(group), json=body)
    assert r.status_code == 201, r.text
    tenant_id: str = r.json()["tenant_id"]
    return tenant_id


async def known(app: FastAPI, park_id: str, tenant_id: str | None = None, within: float = 20.0) -> None:
    """Wait until a service's park directory knows the park (and the tenant in it)."""
    directory: Directory = app.state.directory

    async def found() -> bool:
        if tenant_id is None:
            return await directory.park(park_id) is not None
        return await directory.tenant(park_id, tenant_id) is not None

    await eventually(found, within=within)
