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

from tests.support.infra import Infra
from tests.support.parks import directory_knows, onboard_tenant, register_park
from tests.support.services import bearer, isolated_settings, run_id, serving

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
        await register_park(self.leasing, group, park_id, leading_industries=industries)

    async def list_unit(
        self, group: str, park_id: str, number: str, area: str = "100.00", listed_on: str | None = None
    ) -> str:
        """List a unit on `listed_on` (default: today); its id. A lease starts no earlier than that day."""
        body = {
            "building": "A",
            "floor": 1,
            "unit_number": number,
            "unit_type": "rnd_building",
            "area_m2": area,
        } | ({"listed_on": listed_on} if listed_on else {})
        r = await self.leasing.post(
            f"/parks/{park_id}/units", headers=bearer(Role.GROUP_ADMIN, group), json=body
        )
        assert r.status_code == 201, f"listing unit {number} in {park_id}: {r.status_code} {r.text}"
        return str(r.json()["unit_id"])

    async def onboard(
        self, group: str, park_id: str, unit_ids: list[str], industry_code: str = "C2762", **extra: Any
    ) -> str:
        """A tenant onboarded in leasing (its id is generated there)."""
        seed = self.next_seed()
        return await onboard_tenant(
            self.leasing, group, park_id, seed, unit_ids, industry_code=industry_code, **extra
        )

    async def known_by(
        self, service: str, parks: list[str], tenants: list[tuple[str, str]], within: float = 45.0
    ) -> None:
        """Wait until the service's directory (fed by leasing's events) knows the parks and tenants."""
        for park_id in parks:
            await directory_knows(self.apps[service], park_id, within=within)
        for park_id, tenant_id in tenants:
            await directory_knows(self.apps[service], park_id, tenant_id, within=within)


def service_apps(infra: Infra, run: str, breach_scanner: bool = True) -> dict[str, FastAPI]:
    """The five services of one run id (fresh topics and databases), not yet started, by name."""
    return {
        "leasing": create_leasing(isolated_settings(LeasingSettings, infra, run)),
        "tickets": create_tickets(
            isolated_settings(TicketsSettings, infra, run, breach_scanner_enabled=breach_scanner)
        ),
        "finance": create_finance(isolated_settings(FinanceSettings, infra, run)),
        "kpi": create_kpi(isolated_settings(KpiSettings, infra, run)),
        "matchmaking": create_matchmaking(isolated_settings(MatchmakingSettings, infra, run)),
    }


@asynccontextmanager
async def running_platform(infra: Infra) -> AsyncIterator[Platform]:
    """The five services with their lifespans, on fresh topics and databases of one run id."""
    run = run_id()
    apps = service_apps(infra, run, breach_scanner=False)
    async with AsyncExitStack() as stack:
        clients = {
            name: await stack.enter_async_context(serving(app, raise_app_exceptions=False))
            for name, app in apps.items()
        }
        yield Platform(run, infra, apps, clients)
