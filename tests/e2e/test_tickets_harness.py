"""The tickets service in this process against the real broker and store, with leasing of the same run
(same topic prefix) as the system of record of its parks and tenants (helpers, no tests here)."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_contracts.base import Event
from parkops_runtime.auth import Role
from tickets.breaches import BreachScanner
from tickets.main import create_app
from tickets.settings import TicketsSettings

from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.parks import directory_knows, list_units, onboard_tenant, register_park
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving


@dataclass(frozen=True)
class Onboarded:
    tenant_id: str
    unit_ids: list[str]


@dataclass
class TicketsDesk:
    run: str
    infra: Infra
    app: FastAPI
    client: httpx.AsyncClient
    scanner: BreachScanner
    leasing: httpx.AsyncClient
    tenants: dict[str, Onboarded] = field(default_factory=dict)
    buildings: int = 0  # units listed here are numbered A-0 in a building of their own

    @property
    def prefix(self) -> str:
        return f"t{self.run}"

    @property
    def group(self) -> str:
        return group_of(self.run)

    @property
    def park(self) -> str:
        return park_of(self.run)

    def admin(self) -> dict[str, str]:
        return bearer(Role.GROUP_ADMIN, self.group)

    def operator(self, park: str | None = None) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, [park or self.park])

    def tenant(self, name: str, park: str | None = None) -> dict[str, str]:
        """A tenant user of the tenant onboarded as `name` (or of a tenant id nobody onboarded)."""
        return bearer(Role.TENANT_USER, self.group, [park or self.park], tenant=self.tenant_id(name))

    def tenant_id(self, name: str) -> str:
        return self.tenants[name].tenant_id if name in self.tenants else name

    def units(self, name: str) -> list[str]:
        return self.tenants[name].unit_ids

    async def publish(self, event: Event, event_id: str | None = None) -> None:
        await produce(
            self.infra.kafka_bootstrap_servers,
            event.topic(self.prefix),
            [(event.model_dump_json().encode(), envelope(type(event), event_id))],
            key=event.key().encode(),
        )

    async def onboard(self, name: str, park: str | None = None) -> Onboarded:
        """Onboard a tenant in leasing, then wait until the tickets service lets it in."""
        park = park or self.park
        units = [await self.list_unit(park)]
        tenant_id = await onboard_tenant(self.leasing, self.group, park, len(self.tenants) + 1, units)
        tenant = self.tenants[name] = Onboarded(tenant_id, units)
        await directory_knows(self.app, park, tenant.tenant_id)

        async def let_in() -> bool:
            return bool(self.app.state.access.directory.knows_tenant(park, tenant.tenant_id))

        await eventually(let_in)
        return tenant

    async def list_unit(self, park: str | None = None) -> str:
        self.buildings += 1
        building = f"B{self.buildings}"
        (unit_id,) = await list_units(
            self.leasing, self.group, park or self.park, ["100.00"], building=building
        )
        return unit_id

    async def open(self, who: dict[str, str], park: str | None = None, **body: Any) -> httpx.Response:
        payload = {"category": "repair", "priority": "normal", "title": "door jammed"} | body
        return await self.client.post(f"/parks/{park or self.park}/tickets", headers=who, json=payload)

    async def events(self, name: str, at_least: int, timeout_s: float = 20) -> list[dict[str, Any]]:
        """Every record on a topic, copies included (nothing de-duplicated, so "exactly N" sees a late
        copy), after the service published what its writes so far recorded and the topic went quiet."""
        await self.app.state.runtime.relay.flush()
        records = await read_all(
            self.infra.kafka_bootstrap_servers, f"{self.prefix}.tickets.{name}.v1", at_least, timeout_s
        )
        return [json.loads(r.value) for r in records]


def group_of(run: str) -> str:
    return f"group-{run}"


def park_of(run: str) -> str:
    return f"park-{run}"


def tickets_settings(infra: Infra, run: str, **overrides: Any) -> TicketsSettings:
    return isolated_settings(TicketsSettings, infra, run, **({"breach_scanner_enabled": False} | overrides))


@asynccontextmanager
async def leasing_of(infra: Infra, run: str) -> AsyncIterator[httpx.AsyncClient]:
    """leasing of the run serving, with the run's park registered by the run's group."""
    async with serving(create_leasing(isolated_settings(LeasingSettings, infra, run))) as leasing:
        await register_park(leasing, group_of(run), park_of(run))
        yield leasing


async def desk_of(
    app: FastAPI, client: httpx.AsyncClient, leasing: httpx.AsyncClient, infra: Infra, run: str
) -> TicketsDesk:
    """A desk on a served tickets app, once it knows the run's park."""
    await directory_knows(app, park_of(run))
    return TicketsDesk(run, infra, app, client, app.state.scanner, leasing)


@pytest.fixture(scope="module")
async def desk(infra: Infra) -> AsyncIterator[TicketsDesk]:
    run = run_id()
    app = create_app(tickets_settings(infra, run))
    async with leasing_of(infra, run) as leasing, serving(app) as client:
        yield await desk_of(app, client, leasing, infra, run)
