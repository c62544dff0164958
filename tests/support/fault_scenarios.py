"""The fault scenarios, each against real processes, the real broker and a store, returning one table row.

tests/faults runs them small (CI); bench/faults.py runs them longer and prints the table."""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from finance.settings import FinanceSettings
from kpi.settings import KpiSettings
from leasing.settings import LeasingSettings
from matchmaking.settings import MatchmakingSettings
from parkops_contracts.events.leasing import LeaseSigned, ParkRegistered, UnitListed
from parkops_runtime.auth import Role
from tickets.settings import TicketsSettings

from bench.load import service_env
from tests.support.demo import enterprise
from tests.support.fault_accounting import (
    Outcome,
    ce_id,
    check_events_applied,
    check_read_model,
    check_store,
    check_topic,
    sent,
)
from tests.support.fault_load import KeyedLoad, unit_body, writes
from tests.support.fault_processes import ServiceProcess
from tests.support.infra import Infra
from tests.support.kafka import produce, read_all
from tests.support.parks import park_body
from tests.support.services import bearer, eventually, isolated_settings, run_id
from tests.support.store_process import own_store

LEASING, KPI, TICKETS = "leasing.main:create_app", "kpi.main:create_app", "tickets.main:create_app"
FINANCE, MATCHMAKING = "finance.main:create_app", "matchmaking.main:create_app"
SETTINGS = {
    LEASING: LeasingSettings,
    KPI: KpiSettings,
    TICKETS: TicketsSettings,
    FINANCE: FinanceSettings,
    MATCHMAKING: MatchmakingSettings,
}
POLICY = {
    "base_rents": {"office": "50"},
    "industry_fit_discount": "0.20",
    "unrelated_industry_premium": "0.15",
}


@dataclass(frozen=True)
class Scale:
    ops: int  # keyed writes per scenario
    workers: int  # concurrent clients of the load generator
    parks: int  # the writes are spread over these parks (aggregates)
    outage_s: float  # how long a killed store or broker stays down, a consumer frozen
    race: int  # concurrent signings of one unit


KILL_WINDOW_S = 1.0
"""A published commit is deleted no sooner than `parkops_runtime.outbox.DELETE_AFTER` after its publish,
in batches: a process killed meanwhile leaves it to the relay, which publishes it again. The writes
answered in this window before a kill bound those copies (with room for a loaded machine)."""
CI = Scale(ops=120, workers=6, parks=3, outage_s=1.5, race=20)
LONG = Scale(ops=1500, workers=16, parks=8, outage_s=5.0, race=100)


class Fleet:
    """One run's processes: its own topic prefix and databases, logs under `logs`."""

    def __init__(self, infra: Infra, logs: Path, stack: AsyncExitStack) -> None:
        self.infra, self.logs, self.stack, self.run = infra, logs, stack, run_id()
        self.group = f"faults-{self.run}"
        self.admin = bearer(Role.GROUP_ADMIN, self.group)

    @property
    def prefix(self) -> str:
        return f"t{self.run}"

    async def start(self, factory: str, name: str, **overrides: Any) -> ServiceProcess:
        settings = isolated_settings(SETTINGS[factory], self.infra, self.run, **overrides)  # type: ignore[type-var]
        env = service_env(settings)
        process = ServiceProcess(factory, env, self.logs / f"{self.run}-{name}.log")
        self.stack.push_async_callback(process.stop)
        await process.start()
        return process

    async def parks(self, leasing: str, n: int) -> list[str]:
        names = [f"park-{i}" for i in range(n)]
        async with httpx.AsyncClient(base_url=leasing, headers=self.admin, timeout=30) as http:
            for name in names:
                body = park_body(name)
                r = await http.post("/parks", json=body, headers={"Idempotency-Key": f"register-{name}"})
                assert r.status_code == 201, r.text
                r = await http.put(f"/parks/{name}/pricing-policy", json=POLICY)  # for the load's leases
                assert r.status_code == 200, r.text
        return names


@asynccontextmanager
async def fleet(infra: Infra, logs: Path) -> AsyncIterator[Fleet]:
    async with AsyncExitStack() as stack:
        yield Fleet(infra, logs, stack)


async def sigkill_each_service(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """Two leasing processes behind the load; one SIGKILLed a third of the way and restarted, then kpi
    SIGKILLed at two thirds and restarted. Recovery: from each kill to the process ready again (worst)."""
    async with fleet(infra, logs) as f:
        leasing = [await f.start(LEASING, f"leasing-{i}") for i in range(2)]
        kpi = await f.start(KPI, "kpi")
        parks = await f.parks(leasing[0].base, scale.parks)
        load = KeyedLoad([p.base for p in leasing], f.admin, parks, scale.ops, scale.workers, f.run)
        running = asyncio.create_task(load.run())
        recoveries, kills = [], []
        for victim, share in ((leasing[1], 3), (kpi, 1.5)):
            await asyncio.wait_for(load.accepted_at_least(int(writes(scale.ops) / share)), 120)
            killed = time.monotonic()
            await victim.kill()
            await victim.start()
            recoveries.append(time.monotonic() - killed)
            kills.append(killed)
        ledger = await running
        outcome = Outcome("SIGKILL leasing, kpi", sent(ledger), "SIGKILL leasing 1 of 2; SIGKILL kpi", 0)
        outcome.recovery_s = max(recoveries)
        outcome.answered_before_kill = ledger.accepted_within(KILL_WINDOW_S, before=kills[0])
        await check_store(outcome, ledger, leasing[0].base, f.admin)
        units = await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        await check_read_model(outcome, units, kpi.base, f.admin)
        return outcome


async def sigkill_tickets(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """Two tickets processes behind a load of keyed ticket openings; one SIGKILLed a third of the way
    and restarted. Recovery: from the kill to the process ready again."""
    async with fleet(infra, logs) as f:
        leasing = await f.start(LEASING, "leasing")
        tickets = [await f.start(TICKETS, f"tickets-{i}") for i in range(2)]
        parks = await f.parks(leasing.base, scale.parks)
        bases = [p.base for p in tickets]
        await eventually(lambda: knows_parks(bases, parks, f.admin), within=60, every=0.1)
        load = KeyedLoad(bases, f.admin, parks, scale.ops, scale.workers, f.run, tickets=True)
        running = asyncio.create_task(load.run())
        await asyncio.wait_for(load.accepted_at_least(scale.ops // 3), 120)
        killed = time.monotonic()
        await tickets[1].kill()
        await tickets[1].start()
        recovery = time.monotonic() - killed
        ledger = await running
        outcome = Outcome("SIGKILL tickets", sent(ledger), "SIGKILL tickets 1 of 2", 0)
        outcome.recovery_s = recovery
        outcome.answered_before_kill = ledger.accepted_within(KILL_WINDOW_S, before=killed)
        await check_store(outcome, ledger, tickets[0].base, f.admin)
        await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        return outcome


async def knows_parks(bases: list[str], parks: list[str], headers: dict[str, str]) -> bool:
    """Whether the tickets processes learnt the parks from leasing's events (they answer 404 before)."""
    async with httpx.AsyncClient(headers=headers, timeout=10) as http:
        for base, park in ((base, park) for base in bases for park in parks):
            if (await http.get(f"{base}/parks/{park}/tickets/open")).status_code != 200:
                return False
    return True


async def store_kill(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """leasing on a FerretDB of its own, SIGKILLed a third of the way and started again after
    `outage_s`: writes answer 503 meanwhile and are retried. Recovery: store restart -> first write."""
    with own_store() as store:
        async with fleet(infra, logs) as f:
            leasing = await f.start(LEASING, "leasing", mongodb_url=store.url)
            parks = await f.parks(leasing.base, scale.parks)
            load = KeyedLoad([leasing.base], f.admin, parks, scale.ops, scale.workers, f.run)
            running = asyncio.create_task(load.run())
            await asyncio.wait_for(load.accepted_at_least(writes(scale.ops) // 3), 120)
            store.kill()
            await asyncio.sleep(scale.outage_s)
            await asyncio.to_thread(store.start)
            restarted = time.monotonic()
            ledger = await running
            first = ledger.accepted_after(restarted)
            faults = f"store SIGKILL, {scale.outage_s:g} s down ({ledger.unavailable} x 503)"
            outcome = Outcome("store kill", sent(ledger), faults, 0)
            outcome.recovery_s = None if first is None else first.at - restarted
            await check_store(outcome, ledger, leasing.base, f.admin)
            await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
            return outcome


async def race_on_one_unit(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """`race` signings of one unit at once, alternating between two leasing processes: one lease, one
    LeaseSigned; every other answer a 409."""
    async with fleet(infra, logs) as f:
        leasing = [await f.start(LEASING, f"leasing-{i}") for i in range(2)]
        (park,) = await f.parks(leasing[0].base, 1)
        async with httpx.AsyncClient(headers=f.admin, timeout=30) as http:
            base = f"{leasing[0].base}/parks/{park}"
            unit, home = [
                (await http.post(f"{base}/units", json=unit_body(n))).json()["unit_id"] for n in "AB"
            ]
            assert (await http.put(f"{base}/pricing-policy", json=POLICY)).status_code == 200
            r = await http.post(f"{base}/tenants", json=enterprise(7, unit_ids=[home]))
            assert r.status_code == 201, r.text
            tenant = r.json()["tenant_id"]
            body = {"tenant_id": tenant, "unit_ids": [unit], "term_months": 12, "starts_on": "2027-01-01"}
            answers = await asyncio.gather(
                *(
                    http.post(f"{leasing[i % 2].base}/parks/{park}/leases", json=body)
                    for i in range(scale.race)
                )
            )
            leases = (await http.get(f"{base}/leases")).json()
        codes = Counter(r.status_code for r in answers)
        outcome = Outcome("race on one unit", scale.race, f"{scale.race} signings over 2 processes", 0)
        if set(codes) - {201, 409}:
            outcome.problems.append(f"answers {dict(codes)}")
        outcome.lost = int(codes[201] == 0 or not leases)
        outcome.doubled = max(0, codes[201] - 1) + max(0, len(leases) - 1)
        records = await read_all(infra.kafka_bootstrap_servers, LeaseSigned.topic(f.prefix), at_least=1)
        distinct = {ce_id(r.headers) for r in records}
        outcome.doubled += max(0, len(distinct) - 1)
        outcome.lost += int(not distinct)
        outcome.duplicate_publishes = len(records) - len(distinct)
        return outcome


async def duplicate_delivery(infra: Infra, logs: Path, scale: Scale) -> Outcome:
    """Every record of leasing's park and unit topics produced twice more (same ce_id, as a producer
    retry or a replayed partition would): kpi counts each event once."""
    async with fleet(infra, logs) as f:
        leasing = await f.start(LEASING, "leasing")
        kpi = await f.start(KPI, "kpi")
        parks = await f.parks(leasing.base, scale.parks)
        ops = max(scale.ops // 4, scale.parks)
        ledger = await KeyedLoad([leasing.base], f.admin, parks, ops, scale.workers, f.run).run()
        outcome = Outcome("duplicate delivery", sent(ledger), "every park/unit event delivered 3x", 0)
        outcome.given_up = len(ledger.given_up)
        units = await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        await check_read_model(outcome, units, kpi.base, f.admin)
        redelivered = 0
        for event in (ParkRegistered, UnitListed):
            topic = event.topic(f.prefix)
            for record in await read_all(infra.kafka_bootstrap_servers, topic, at_least=1):
                copy = [(record.value, {k: v.decode() for k, v in record.headers})] * 2
                await produce(infra.kafka_bootstrap_servers, topic, copy, key=record.key)
                redelivered += 2
        outcome.faults += f" ({redelivered} copies)"
        # A sentinel after the copies: once kpi counts it, it has read every copy before it.
        async with httpx.AsyncClient(base_url=leasing.base, headers=f.admin, timeout=30) as http:
            r = await http.post(f"/parks/{parks[0]}/units", json=unit_body("sentinel"))
            assert r.status_code == 201, r.text
        units[parks[0]].update(["units_total", "events_applied"])
        await check_read_model(outcome, units, kpi.base, f.admin)
        await check_events_applied(outcome, units, kpi.base, f.admin)
        return outcome
