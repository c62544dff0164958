"""Store commands per write: what one create and one update cost the store, by command and collection.

Runs leasing, tickets and finance in this process (beside leasing, their system of record of parks)
against the real broker and store, with the outbox settings' defaults, and counts every command their
store clients send (PyMongo command monitoring) while each service makes writes through its real HTTP
write path, one at a time, each followed by the relay's publish and clean-up (and then as many
updates of as many aggregates sent at once, whose claims and deletes share commands):
- leasing: create = register a park, update = list a unit on it;
- tickets: create = open a ticket, update = acknowledge it;
- finance: create = a park's first operating cost (its books are made), update = its second.
Only the service's own database is counted, without its owner heartbeats (`outbox.owners`: one per
second, whatever the writes). The store CPU of each command type is measured on the same store in the
same run (`bench.store_costs`), and a write's estimated store CPU is its commands times those costs.
The figures before issue #18 were measured by this bench at commit 282a6ee (printed beside).

Usage: scripts/infra up && .venv/bin/python -m bench.write_commands [--writes 20]
"""

import argparse
import asyncio
import os
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from finance.main import create_app as create_finance
from finance.settings import FinanceSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role
from parkops_runtime.settings import ServiceSettings
from pymongo import AsyncMongoClient, monitoring
from tickets.main import create_app as create_tickets
from tickets.settings import TicketsSettings

from bench.cpu import store_pid
from bench.store_costs import COMMAND_COSTS, command_costs
from tests.support.infra import Infra
from tests.support.parks import directory_knows, known, register_park
from tests.support.services import bearer, isolated_settings, run_id, serving

HEARTBEATS = "outbox.owners"
AT_ONCE = "update, n aggregates at once"
Count = Counter[tuple[str, str]]  # (command, collection) -> commands
# Commands per write measured by this bench at 282a6ee (before issue #18), by service, write, command
# and collection: the old path is not kept selectable (it read the version twice per update and looked
# for a dead writer's commit on every load).
BEFORE: dict[tuple[str, str], dict[tuple[str, str], float]] = {
    ("leasing", "create"): {
        ("find", "parks"): 2, ("find", "parks.commits"): 2, ("insert", "parks"): 1,
        ("insert", "parks.commits"): 1, ("delete", "parks.commits"): 1,
    },
    ("leasing", "update"): {
        ("find", "parks"): 2, ("update", "parks"): 1, ("insert", "parks.commits"): 1,
        ("delete", "parks.commits"): 1,
    },
    ("tickets", "create"): {
        ("find", "inbox"): 0.1, ("find", "park_sla"): 1, ("find", "park_sla.commits"): 1,
        ("find", "tenancy_changes"): 1, ("find", "tickets"): 1, ("find", "tickets.commits"): 1,
        ("insert", "tickets"): 1, ("insert", "tickets.commits"): 1, ("delete", "tickets.commits"): 1,
    },
    ("tickets", "update"): {
        ("find", "tickets"): 3, ("update", "tickets"): 1, ("insert", "tickets.commits"): 1,
        ("delete", "tickets.commits"): 1,
    },
    ("finance", "create"): {
        ("find", "books"): 1, ("find", "books.commits"): 1, ("insert", "books"): 1,
        ("insert", "books.commits"): 1, ("delete", "books.commits"): 1,
    },
    ("finance", "update"): {
        ("find", "books"): 2, ("update", "books"): 1, ("insert", "books.commits"): 1,
        ("delete", "books.commits"): 1,
    },
}  # fmt: skip


class Commands(monitoring.CommandListener):
    """Every command sent by a client created after `monitoring.register`, by database."""

    def __init__(self) -> None:
        self.sent: dict[str, Count] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else "-"
        self.sent.setdefault(event.database_name, Counter())[(event.command_name, collection)] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def of(self, database: str) -> Count:
        return Counter({k: n for k, n in self.sent.get(database, Counter()).items() if k[1] != HEARTBEATS})


@dataclass
class Row:
    service: str
    write: str
    commands: dict[tuple[str, str], float]
    n: int = 0

    @property
    def total(self) -> float:
        return sum(self.commands.values())

    def store_ms(self, costs: dict[str, float]) -> float:
        return sum(n * costs.get(command, costs["find"]) for (command, _), n in self.commands.items())


@dataclass
class Served:
    app: FastAPI
    http: httpx.AsyncClient
    database: str

    async def settle(self) -> None:
        """The relay's publishes and deletes under way done, and the consumers quiet for a moment."""
        await self.app.state.runtime.relay.flush()


def settings(cls: type[ServiceSettings], infra: Infra, run: str) -> Any:
    deployed = {
        name: cls.model_fields[name].default
        for name in ("outbox_sweep_seconds", "outbox_owner_beat_seconds", "outbox_owner_dead_after_seconds")
    }
    overrides = {"breach_scanner_enabled": False} if cls is TicketsSettings else {}
    return isolated_settings(cls, infra, run, **deployed, **overrides)


async def serve(stack: AsyncExitStack, app: FastAPI, s: ServiceSettings) -> Served:
    return Served(app, await stack.enter_async_context(serving(app)), s.mongodb_database)


async def per_write(
    commands: Commands, service: Served, n: int, write: Callable[[int], Awaitable[None]]
) -> dict[tuple[str, str], float]:
    await service.settle()
    await asyncio.sleep(0.5)  # consumers' catch-up of the set-up's events, outside the count
    before = commands.of(service.database)
    for i in range(n):
        await write(i)
        await service.settle()
    after = commands.of(service.database)
    return {k: (after[k] - before[k]) / n for k in after if after[k] != before[k]}


async def per_write_at_once(
    commands: Commands, service: Served, n: int, write: Callable[[int], Awaitable[None]]
) -> dict[tuple[str, str], float]:
    """The same, for `n` writes of `n` aggregates sent together: claims and deletes share commands."""
    await service.settle()
    await asyncio.sleep(0.5)
    before = commands.of(service.database)
    await asyncio.gather(*(write(i) for i in range(n)))
    await service.settle()
    after = commands.of(service.database)
    return {k: (after[k] - before[k]) / n for k in after if after[k] != before[k]}


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def leasing_writes(commands: Commands, leasing: Served, group: str, n: int) -> list[Row]:
    parks = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(n)]
    admin = bearer(Role.GROUP_ADMIN, group)

    async def create(i: int) -> None:
        await register_park(leasing.http, group, parks[i])

    def unit(i: int, building: str) -> Awaitable[httpx.Response]:
        body = {"building": building, "floor": 1, "unit_number": f"{building}{i}", "unit_type": "office"}
        return leasing.http.post(f"/parks/{parks[i]}/units", json=body | {"area_m2": "100"}, headers=admin)

    async def update(i: int) -> None:
        created(await unit(i, "A"))

    async def again(i: int) -> None:
        created(await unit(i, "B"))

    return [
        Row("leasing", "create", await per_write(commands, leasing, n, create)),
        Row("leasing", "update", await per_write(commands, leasing, n, update)),
        Row("leasing", AT_ONCE, await per_write_at_once(commands, leasing, n, again), n),
    ]


async def tickets_writes(
    commands: Commands, tickets: Served, leasing: Served, group: str, n: int
) -> list[Row]:
    park = f"bench-{uuid.uuid4().hex[:8]}"
    await register_park(leasing.http, group, park)
    await directory_knows(tickets.app, park)
    staff = bearer(Role.PARK_OPERATOR, group, [park])
    ids: list[str] = []

    async def create(i: int) -> None:
        body = {"category": "repair", "priority": "normal", "title": f"door {i} jammed"}
        ids.append(
            created(await tickets.http.post(f"/parks/{park}/tickets", json=body, headers=staff))["ticket_id"]
        )

    async def update(i: int) -> None:
        created(await tickets.http.post(f"/tickets/{ids[i]}/acknowledge", headers=staff))

    async def again(i: int) -> None:
        created(await tickets.http.post(f"/tickets/{ids[i]}/start", headers=staff))

    return [
        Row("tickets", "create", await per_write(commands, tickets, n, create)),
        Row("tickets", "update", await per_write(commands, tickets, n, update)),
        Row("tickets", AT_ONCE, await per_write_at_once(commands, tickets, n, again), n),
    ]


async def finance_writes(
    commands: Commands, finance: Served, leasing: Served, group: str, n: int
) -> list[Row]:
    parks = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(n)]
    admin = bearer(Role.GROUP_ADMIN, group)
    for park in parks:
        await register_park(leasing.http, group, park)
    for park in parks:
        await known(finance.http, f"/parks/{park}/ledger", admin)

    def cost(i: int, what: str) -> Awaitable[httpx.Response]:
        body = {"amount": "100.00", "description": what, "on": "2026-02-01"}
        return finance.http.post(f"/parks/{parks[i]}/operating-costs", json=body, headers=admin)

    async def create(i: int) -> None:
        created(await cost(i, "staff"))

    async def update(i: int) -> None:
        created(await cost(i, "power"))

    async def again(i: int) -> None:
        created(await cost(i, "water"))

    return [
        Row("finance", "create", await per_write(commands, finance, n, create)),
        Row("finance", "update", await per_write(commands, finance, n, update)),
        Row("finance", AT_ONCE, await per_write_at_once(commands, finance, n, again), n),
    ]


def report(rows: list[Row], costs: dict[str, float] | None) -> None:
    print("\nstore commands per write (one write at a time, its publish and clean-up included)")
    print("now | before: measured at 282a6ee (before issue #18)")
    for row in rows:
        if (row.service, row.write) not in BEFORE:
            cpu = f"   store CPU ~{row.store_ms(costs):.2f} ms" if costs else ""
            print(f"{row.service:<8} {row.write} (n={row.n}): {row.total:5.2f} commands{cpu}")
            for (command, collection), now in sorted(
                row.commands.items(), key=lambda kv: (kv[0][1], kv[0][0])
            ):
                print(f"{'':17}{now:5.2f}  {command:<8} {collection}")
            continue
        was = Row(row.service, row.write, BEFORE[(row.service, row.write)])
        cpu = f"   store CPU ~{row.store_ms(costs):.2f} ms | {was.store_ms(costs):.2f} ms" if costs else ""
        print(f"{row.service:<8} {row.write:<7} {row.total:5.2f} | {was.total:5.2f} commands{cpu}")
        for command, collection in sorted(
            row.commands.keys() | was.commands.keys(), key=lambda k: (k[1], k[0])
        ):
            now, before = (
                row.commands.get((command, collection), 0),
                was.commands.get((command, collection), 0),
            )
            print(f"{'':17}{now:5.2f} | {before:5.2f}  {command:<8} {collection}")


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--writes", type=int, default=20, help="writes of each kind per service")
    args.add_argument("--no-costs", action="store_true", help="skip measuring each command's store CPU")
    opts = args.parse_args()
    infra = Infra.from_env()
    costs = None
    if not opts.no_costs:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infra.mongodb_url)
        try:
            costs = await command_costs(client[f"t{run_id()}_store_costs"], 1000, store_pid())
        finally:
            await client.close()
        print(
            "store CPU per command (bench.store_costs, this run): "
            + ", ".join(f"{c} {costs[c]:.2f} ms" for c in COMMAND_COSTS)
        )
    commands = Commands()
    monitoring.register(commands)  # before the services' clients exist: they are created with it
    run = run_id()
    group = f"group-{run}"
    registered = datetime(2025, 12, 1, tzinfo=UTC)
    s_leasing = settings(LeasingSettings, infra, run)
    s_tickets = settings(TicketsSettings, infra, run)
    s_finance = settings(FinanceSettings, infra, run)
    async with AsyncExitStack() as stack:
        leasing = await serve(stack, create_leasing(s_leasing, clock=lambda: registered), s_leasing)
        tickets = await serve(stack, create_tickets(s_tickets), s_tickets)
        today = datetime(2026, 3, 1, 9, tzinfo=UTC)
        finance = await serve(stack, create_finance(s_finance, clock=lambda: today), s_finance)
        rows = await leasing_writes(commands, leasing, group, opts.writes)
        rows += await tickets_writes(commands, tickets, leasing, group, opts.writes)
        rows += await finance_writes(commands, finance, leasing, group, opts.writes)
    report(rows, costs)
    if os.environ.get("WRITE_COMMANDS_KEEP") is None:
        dropping: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infra.mongodb_url)
        for s in (s_leasing, s_tickets, s_finance):
            await dropping.drop_database(s.mongodb_database)
        await dropping.close()


if __name__ == "__main__":
    asyncio.run(main())
