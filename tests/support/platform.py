"""All five services in this process against the real broker and store, with one run id (so they share
topics), and the steps every cross-service test needs: register a park in leasing, list units, onboard
tenants, then wait until the services that learn parks from leasing's events know them."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from finance.main import create_app as create_finance
from finance.settings import FinanceSettings
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from matchmaking.main import create_app as create_matchmaking
from matchmaking.settings import MatchmakingSettings
from parkops_runtime.auth import Role
from tickets.main import create_app as create_tickets
from tickets.settings import TicketsSettings

from tests.support.demo import enterprise
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, isolated_settings, run_id

SERVICES = ("leasing", "tickets", "finance", "kpi", "matchmaking")
FOLLOWERS = ("tickets", "finance", "kpi", "matchmaking")  # they learn parks and tenants from leasing


@dataclass
class Platform:
    run: str
    infra: Infra
    apps: dict[str, FastAPI]
    http: dict[str, httpx.AsyncClient]
    _seeds: list[int] = field(default_factory=lambda: [0])

    @property
    def leasing(self) -> httpx.AsyncClient:
        return self.http["leasing"]

    def next_seed(self) -> int:
        """Credit codes must differ between tenants of one run."""
        self._seeds[0] += 1
        return int(self.run, 16) % 100_000 * 100 + self._seeds[0]

    async def register_park(self, group: str, park_id: str, industries: tuple[str, ...] = ("C27",)) -> None:
        body = {
            "park_id": park_id,
            "name": f"Park {park_id}",
            "park_type": "specialized_industrial_park",
            "leading_industries": list(industries),
        }
        r = await self.leasing.post("/parks", headers=bearer(Role.GROUP_ADMIN, group), json=body)
        assert r.status_code == 201, f"registering park {park_id}: {r.status_code} {r.text}"

    async def list_unit(self, group: str, park_id: str, number: str, area: str = "100.00") -> str:
        body = {
            "building": "A",
            "floor": 1,
            "unit_number": number,
            "unit_type": "rnd_building",
            "area_m2": area,
        }
        r = await self.leasing.post(
            f"/parks/{park_id}/units", headers=bearer(Role.GROUP_ADMIN, group), json=body
        )
        assert r.status_code == 201, f"listing unit {number} in {park_id}: {r.status_code} {r.text}"
        return str(r.json()["unit_id"])

    async def onboard(
        self, group: str, park_id: str, unit_ids: list[str], industry_code: str = "C2762", **extra: Any
    ) -> str:
        """A tenant onboarded in leasing (its id is generated there)."""
        body = enterprise(self.next_seed(), industry_code=industry_code, unit_ids=unit_ids) | extra
        r = await self.leasing.post(
            f"/parks/{park_id}/tenants", headers=bearer(Role.GROUP_ADMIN, group), json=body
        )
        assert r.status_code == 201, f"onboarding a tenant in {park_id}: {r.status_code} {r.text}"
        return str(r.json()["tenant_id"])

    async def known_by(
        self, service: str, parks: list[str], tenants: list[tuple[str, str]], within: float = 45.0
    ) -> None:
        """Wait until the service's directory (fed by leasing's events) knows the parks and tenants."""

        async def known() -> bool:
            directory = self.apps[service].state.directory
            for park_id in parks:
                if await directory.park(park_id) is None:
                    return False
            for park_id, tenant_id in tenants:
                if await directory.tenant(park_id, tenant_id) is None:
                    return False
            return True

        await eventually(known, within=within, every=0.2)


def _apps(infra: Infra, run: str) -> dict[str, FastAPI]:
    return {
        "leasing": create_leasing(isolated_settings(LeasingSettings, infra, run)),
        "tickets": create_tickets(
            isolated_settings(TicketsSettings, infra, run, breach_scanner_enabled=False)
        ),
        "finance": create_finance(isolated_settings(FinanceSettings, infra, run)),
        "kpi": create_kpi(isolated_settings(KpiSettings, infra, run)),
        "matchmaking": create_matchmaking(isolated_settings(MatchmakingSettings, infra, run)),
    }


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan; an exception escaping a route is the 500 a client would get."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


@asynccontextmanager
async def running_platform(infra: Infra) -> AsyncIterator[Platform]:
    """The five services with their lifespans, on fresh topics and databases of one run id."""
    run = run_id()
    apps = _apps(infra, run)
    async with AsyncExitStack() as stack:
        clients = {name: await stack.enter_async_context(serving(app)) for name, app in apps.items()}
        yield Platform(run, infra, apps, clients)
