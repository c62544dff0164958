"""The tickets service in this process against the real broker and store (helpers, no tests here)."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from parkops_contracts.base import Event
from parkops_runtime.auth import Role
from tickets.breaches import BreachScanner
from tickets.main import create_app
from tickets.settings import TicketsSettings

from tests.support.events import tenant_onboarded, unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_topic
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving


@dataclass
class TicketsDesk:
    run: str
    infra: Infra
    app: FastAPI
    client: httpx.AsyncClient
    scanner: BreachScanner
    group: str
    park: str

    @property
    def prefix(self) -> str:
        return f"t{self.run}"

    def operator(self, park: str | None = None) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, [park or self.park])

    def tenant(self, tenant_id: str, park: str | None = None) -> dict[str, str]:
        return bearer(Role.TENANT_USER, self.group, [park or self.park], tenant=tenant_id)

    async def publish(self, event: Event, event_id: str | None = None) -> None:
        await produce(
            self.infra.kafka_bootstrap_servers,
            event.topic(self.prefix),
            [(event.model_dump_json().encode(), envelope(type(event), event_id))],
            key=event.key().encode(),
        )

    async def onboard(self, tenant_id: str, unit_ids: list[str], park: str | None = None) -> None:
        """TenantOnboarded on Kafka, then wait until the tickets service lets the tenant in."""
        park = park or self.park
        await self.publish(tenant_onboarded(tenant_id, unit_ids, "100", park_id=park, group_id=self.group))

        async def let_in() -> bool:
            return bool(self.app.state.access.directory.knows_tenant(park, tenant_id))

        await eventually(let_in)

    async def list_unit(self, unit_id: str, park: str | None = None) -> None:
        await self.publish(unit_listed(unit_id, park_id=park or self.park, group_id=self.group))

    async def open(self, who: dict[str, str], **body: Any) -> httpx.Response:
        payload = {"category": "repair", "priority": "normal", "title": "door jammed"} | body
        return await self.client.post(f"/parks/{self.park}/tickets", headers=who, json=payload)

    async def events(self, name: str, at_least: int, timeout_s: float = 20) -> list[dict[str, Any]]:
        """The events on a topic, after the service published what its writes so far recorded."""
        await self.app.state.runtime.relay.flush()
        records = await read_topic(
            self.infra.kafka_bootstrap_servers, f"{self.prefix}.tickets.{name}.v1", at_least, timeout_s
        )
        unique = {dict(r.headers)["ce_id"]: json.loads(r.value) for r in records}
        return list(unique.values())


def tickets_settings(infra: Infra, run: str, **overrides: Any) -> TicketsSettings:
    return isolated_settings(TicketsSettings, infra, run, **({"breach_scanner_enabled": False} | overrides))


@pytest.fixture(scope="module")
async def desk(infra: Infra) -> AsyncIterator[TicketsDesk]:
    run = run_id()
    app = create_app(tickets_settings(infra, run))
    async with serving(app) as client:
        yield TicketsDesk(run, infra, app, client, app.state.scanner, f"group-{run}", f"park-{run}")
