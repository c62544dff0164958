"""matchmaking with leasing in one process, for end-to-end tests: parks registered and enterprises
onboarded in leasing reach matchmaking as they do in production (its directory and its profiles)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from matchmaking.main import create_app as create_matchmaking
from matchmaking.settings import MatchmakingSettings
from parkops_contracts.base import Event
from parkops_runtime.auth import Role

from tests.support.infra import Infra
from tests.support.kafka import envelope, produce
from tests.support.parks import known, list_units, onboard_tenant, register_park
from tests.support.services import bearer, eventually, isolated_settings, serving

Enterprises = dict[str, tuple[str, str, str]]
"""A test's own name of an enterprise -> (park, industry code, display name)."""


@dataclass
class Matchmaking:
    run: str
    infra: Infra
    http: httpx.AsyncClient
    leasing: httpx.AsyncClient
    group: str
    ids: dict[str, str] = field(default_factory=dict)  # test name -> tenant id leasing gave
    parks: dict[str, str] = field(default_factory=dict)  # tenant id -> its park

    def topic(self, event: type[Event]) -> str:
        return event.topic(f"t{self.run}")

    def id(self, name: str) -> str:
        return self.ids[name]

    def admin(self) -> dict[str, str]:
        return bearer(Role.GROUP_ADMIN, self.group)

    def operator(self, *parks: str) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, list(parks))

    def tenant(self, name: str) -> dict[str, str]:
        tenant_id = self.ids[name]
        return bearer(Role.TENANT_USER, self.group, [self.parks[tenant_id]], tenant_id)

    async def publish(self, event: Event) -> None:
        await produce(
            self.infra.kafka_bootstrap_servers,
            self.topic(type(event)),
            [(event.model_dump_json().encode(), envelope(type(event)))],
            event.key().encode(),
        )

    async def settle(self, enterprises: Enterprises, seed: int = 1) -> None:
        """Register the enterprises' parks for the group and onboard them in leasing; return once
        matchmaking knows each park and tenant and has seeded each profile."""
        parks = sorted({park for park, _, _ in enterprises.values()})
        for park in parks:
            in_park = [name for name, (p, _, _) in enterprises.items() if p == park]
            await register_park(self.leasing, self.group, park)
            units = await list_units(self.leasing, self.group, park, ["100.00"] * len(in_park), "office")
            for i, (name, unit) in enumerate(zip(in_park, units, strict=True)):
                _, industry, display = enterprises[name]
                tenant_id = await onboard_tenant(
                    self.leasing,
                    self.group,
                    park,
                    seed + 100 * parks.index(park) + i,
                    [unit],
                    industry_code=industry,
                    **({"name": display} if display else {}),
                )
                self.ids[name], self.parks[tenant_id] = tenant_id, park
        for name in enterprises:
            url = f"/parks/{self.parks[self.ids[name]]}/profiles/{self.ids[name]}"
            await known(self.http, url, self.tenant(name))
            await seen(self.http, url, self.tenant(name))


async def seen(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> httpx.Response:
    """GET `path` until it answers 200 (matchmaking's view has folded it); that response."""

    async def probe() -> httpx.Response | None:
        response = await http.get(path, headers=headers)
        return response if response.status_code == 200 else None

    return await eventually(probe)


async def ready(http: httpx.AsyncClient) -> None:
    """Until the replica says it is ready (its view loaded and caught up), as a balancer waits."""

    async def probe() -> bool:
        return (await http.get("/health/ready")).status_code == 200

    await eventually(probe)


@asynccontextmanager
async def leasing_running(infra: Infra, run: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_leasing(isolated_settings(LeasingSettings, infra, run))) as leasing:
        yield leasing


@asynccontextmanager
async def matchmaking_running(infra: Infra, run: str, group: str) -> AsyncIterator[Matchmaking]:
    """leasing and matchmaking of one run (one topic prefix), each with its own database."""
    async with (
        leasing_running(infra, run) as leasing,
        serving(create_matchmaking(isolated_settings(MatchmakingSettings, infra, run))) as http,
    ):
        await ready(http)
        yield Matchmaking(run, infra, http, leasing, group)
