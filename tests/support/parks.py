"""Parks and tenants as leasing registers them. Every other service learns them from leasing's events (its
park directory), so a test registers the park in leasing first, then waits until the service knows it."""

import httpx
from parkops_runtime.auth import Role

from tests.support.demo import enterprise
from tests.support.services import bearer, eventually


async def register_park(
    leasing: httpx.AsyncClient, group: str, park_id: str, park_type: str = "specialized_industrial_park"
) -> None:
    """The park, owned by `group` (registered by its group admin)."""
    response = await leasing.post(
        "/parks",
        headers=bearer(Role.GROUP_ADMIN, group),
        json={
            "park_id": park_id,
            "name": f"Park {park_id}",
            "park_type": park_type,
            "leading_industries": ["C39"],
        },
    )
    assert response.status_code == 201, response.text


async def onboard_tenant(
    leasing: httpx.AsyncClient, group: str, park_id: str, seed: int, unit_ids: list[str] | None = None
) -> str:
    """A valid enterprise (`tests.support.demo.enterprise(seed)`) onboarded in the park; its tenant id."""
    response = await leasing.post(
        f"/parks/{park_id}/tenants",
        headers=bearer(Role.GROUP_ADMIN, group),
        json=enterprise(seed, unit_ids=unit_ids),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["tenant_id"])


async def known(
    service: httpx.AsyncClient, path: str, headers: dict[str, str], within: float = 20.0
) -> httpx.Response:
    """GET `path` until it is no longer 404 (the service's directory has learnt the park); that response."""

    async def probe() -> httpx.Response | None:
        response = await service.get(path, headers=headers)
        return None if response.status_code == 404 else response

    return await eventually(probe, within=within)
