"""Parks and tenants made through leasing's API, the system of record. Every other service learns them
from leasing's events (the park directory), so a test registers them through a leasing client running
with the same run id, then waits (`known`) until the service under test knows them."""

import httpx
from fastapi import FastAPI
from parkops_runtime.auth import Role
from parkops_runtime.directory import Directory

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


def admin_of(group: str) -> dict[str, str]:
    return bearer(Role.GROUP_ADMIN, group)


def park_body(
    park_id: str,
    name: str | None = None,
    park_type: str = "incubator",
    industries: tuple[str, ...] = ("I65",),
) -> dict[str, object]:
    """What `POST /parks` takes to register `park_id` (named after it unless `name` is given)."""
    return {
        "park_id": park_id,
        "name": name or park_id,
        "park_type": park_type,
        "leading_industries": list(industries),
    }


async def register_park(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    leading_industries: tuple[str, ...] = ("C39",),
    park_type: str = "specialized_industrial_park",
) -> dict[str, object]:
    """Register `park_id` for `group` (as its group admin); the park as leasing answers it."""
    body = park_body(park_id, f"Park {park_id}", park_type, leading_industries)
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
    listed_on: str | None = None,
) -> list[str]:
    """List one unit per area in `building` (floors 1, 2, ...) on `listed_on` (default: leasing's today);
    their ids. Unit numbers repeat per building: list more units later in another building. A lease
    starts no earlier than its units are listed: list units on or before a past lease's start."""
    unit_ids = []
    for i, area in enumerate(areas):
        body = {
            "building": building,
            "floor": 1 + i,
            "unit_number": f"A-{i}",
            "unit_type": unit_type,
            "area_m2": area,
        } | ({"listed_on": listed_on} if listed_on else {})
        r = await leasing.post(f"/parks/{park_id}/units", headers=admin_of(group), json=body)
        assert r.status_code == 201, r.text
        unit_ids.append(r.json()["unit_id"])
    return unit_ids


async def onboard_tenant(
    leasing: httpx.AsyncClient,
    group: str,
    park_id: str,
    seed: int,
    unit_ids: list[str] | None = None,
    **profile: object,
) -> str:
    """Onboard a valid enterprise (deterministic per seed) into `unit_ids` (by default a unit listed for
    it); its tenant id."""
    if unit_ids is None:
        unit = {
            "building": "T",
            "floor": 1 + seed % 50,
            "unit_number": f"T-{seed}",
            "unit_type": "office",
            "area_m2": "100.00",
        }
        r = await leasing.post(f"/parks/{park_id}/units", json=unit, headers=admin_of(group))
        assert r.status_code == 201, r.text
        unit_ids = [r.json()["unit_id"]]
    body = {**enterprise(seed, unit_ids=unit_ids), **profile}
    r = await leasing.post(f"/parks/{park_id}/tenants", headers=admin_of(group), json=body)
    assert r.status_code == 201, r.text
    tenant_id: str = r.json()["tenant_id"]
    return tenant_id


async def known(
    service: httpx.AsyncClient, path: str, headers: dict[str, str], within: float = 20.0
) -> httpx.Response:
    """GET `path` until it is no longer 404 (the service's directory has learnt the park); that response."""

    async def probe() -> httpx.Response | None:
        response = await service.get(path, headers=headers)
        return None if response.status_code == 404 else response

    return await eventually(probe, within=within)


async def directory_knows(
    app: FastAPI, park_id: str, tenant_id: str | None = None, within: float = 20.0
) -> None:
    """Wait until a service's park directory knows the park (and the tenant in it)."""
    directory: Directory = app.state.directory

    async def found() -> bool:
        if tenant_id is None:
            return await directory.park(park_id) is not None
        return await directory.tenant(park_id, tenant_id) is not None

    await eventually(found, within=within)


POLICY = {
    "base_rents": {"rnd_building": "45", "office": "50"},
    "industry_fit_discount": "0.20",
    "unrelated_industry_premium": "0.15",
}
"""A pricing policy with base rents for offices and R&D buildings (the e2e tests' default)."""


def lease_body(tenant: str, units: list[str], start: str = "2027-01-01", term: int = 12) -> dict[str, object]:
    return {"tenant_id": tenant, "unit_ids": units, "term_months": term, "starts_on": start}
