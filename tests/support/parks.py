"""Parks and tenants made where they are made in production: in leasing, over its HTTP API.

Every other service learns them from leasing's ParkRegistered and TenantOnboarded (its park directory),
so a test registers the park (and onboards tenants) here first, then waits until the service under test
knows them (`known`)."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from parkops_runtime.auth import Role
from parkops_runtime.directory import Directory

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


@dataclass(frozen=True)
class Onboarded:
    tenant_id: str
    unit_ids: list[str]


def group_admin(group: str) -> dict[str, str]:
    return bearer(Role.GROUP_ADMIN, group)


async def register_park(leasing: httpx.AsyncClient, group: str, park_id: str, **fields: Any) -> None:
    body = {
        "park_id": park_id,
        "name": f"Park {park_id}",
        "park_type": "specialized_industrial_park",
        "leading_industries": ["C39"],
    } | fields
    r = await leasing.post("/parks", headers=group_admin(group), json=body)
    assert r.status_code == 201, r.text


async def list_units(
    leasing: httpx.AsyncClient, group: str, park_id: str, count: int = 1, area: str = "100.00"
) -> list[str]:
    unit_ids = []
    for _ in range(count):
        number = f"A-{uuid.uuid4().hex[:8]}"  # unique in the park
        unit = {"building": "A", "floor": 1, "unit_number": number, "unit_type": "office", "area_m2": area}
        r = await leasing.post(f"/parks/{park_id}/units", headers=group_admin(group), json=unit)
        assert r.status_code == 201, r.text
        unit_ids.append(r.json()["unit_id"])
    return unit_ids


async def onboard_tenant(
    leasing: httpx.AsyncClient, group: str, park_id: str, seed: int, units: int = 1
) -> Onboarded:
    """A new enterprise (seed: its profile, unique per park) moving into `units` newly listed units."""
    unit_ids = await list_units(leasing, group, park_id, units)
    body = enterprise(seed, unit_ids=unit_ids)
    r = await leasing.post(f"/parks/{park_id}/tenants", headers=group_admin(group), json=body)
    assert r.status_code == 201, r.text
    return Onboarded(r.json()["tenant_id"], unit_ids)


async def known(app: FastAPI, park_id: str, tenant_id: str | None = None, within: float = 20.0) -> None:
    """Wait until the service's park directory knows the park (and the tenant in it)."""
    directory: Directory = app.state.directory

    async def found() -> bool:
        if tenant_id is None:
            return await directory.park(park_id) is not None
        return await directory.tenant(park_id, tenant_id) is not None

    await eventually(found, within=within)
