"""Fault scenarios of the broker: stopped (SIGTERM) or killed (SIGKILL) under keyed load, on a broker of
the scenario's own (tests/support/broker_process.py), restarted on the same ports and data.

Decision: a write needs only the store (its events wait in the outbox), so writes go on answering 201
while the broker is down; readiness turns false (its `broker` check), since the service cannot publish
nor consume; the outbox drains by itself once the broker is back."""

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.broker_process import OwnBroker
from tests.support.fault_accounting import (
    Figures,
    Outcome,
    check_events_applied,
    check_read_model,
    check_store,
    check_topic,
    sent,
)
from tests.support.fault_load import KeyedLoad, writes
from tests.support.fault_scenarios import KPI, LEASING, Scale, fleet
from tests.support.infra import Infra
from tests.support.services import eventually


@dataclass
class Readiness:
    """What leasing's /health/ready said while the broker was down."""

    unready_after_s: float | None = None  # from the broker's end to the first 503 naming the broker
    checks: dict[str, bool] | None = None


async def broker_unready(base: str, readiness: Readiness, down_at: float) -> bool:
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.get(f"{base}/health/ready")
    body = r.json()
    if r.status_code == 503 and body["checks"].get("broker") is False:
        readiness.unready_after_s, readiness.checks = time.monotonic() - down_at, body["checks"]
        return True
    return False


async def outbox_depth(base: str) -> float:
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(f"{base}/metrics")).text
    return float(next(line.split()[1] for line in text.splitlines() if line.startswith("outbox_depth ")))


async def broker_outage(
    infra: Infra, logs: Path, scale: Scale, broker: OwnBroker, kill: bool
) -> tuple[Outcome, Readiness]:
    """leasing and kpi on `broker` (the suite's own, running); a third of the way through the load the
    broker is stopped (or killed), stays down at least `outage_s` and until readiness has said so, and is
    started again. Recovery: from the broker answering again to leasing's outbox empty (all sent)."""
    ours = Infra(broker.bootstrap, infra.mongodb_url)
    async with fleet(ours, logs) as f:
        leasing = await f.start(LEASING, "leasing")
        kpi = await f.start(KPI, "kpi")
        parks = await f.parks(leasing.base, scale.parks)
        load = KeyedLoad([leasing.base], f.admin, parks, scale.ops, scale.workers, f.run)
        running = asyncio.create_task(load.run())
        await asyncio.wait_for(load.accepted_at_least(writes(scale.ops) // 3), 120)
        down_at = time.monotonic()
        await asyncio.to_thread(broker.kill if kill else broker.stop)
        readiness = Readiness()
        await eventually(lambda: broker_unready(leasing.base, readiness, down_at), within=60, every=0.2)
        await asyncio.sleep(max(0.0, scale.outage_s - (time.monotonic() - down_at)))
        await asyncio.to_thread(broker.start)
        back_at = time.monotonic()
        ledger = await running
        await eventually(lambda: outbox_depth_is_zero(leasing.base), within=120, every=0.1)
        during = sum(down_at <= a.at < back_at for a in ledger.accepted)
        how = "SIGKILL" if kill else "SIGTERM"
        faults = (
            f"broker {how}, {back_at - down_at:.0f} s down ({during} writes accepted meanwhile, "
            f"readiness 503 after {readiness.unready_after_s:.1f} s)"
        )
        outcome = Outcome(f"broker {'kill' if kill else 'stop'}", sent(ledger), faults, 0)
        outcome.recovery_s = time.monotonic() - back_at
        await check_store(outcome, ledger, leasing.base, f.admin)
        units = await check_topic(outcome, ledger, ours.kafka_bootstrap_servers, f.prefix)
        await check_read_model(outcome, units, kpi.base, f.admin)
        outcome.problems += [] if during else ["no write was accepted while the broker was down"]
        return outcome, readiness


async def outbox_depth_is_zero(base: str) -> bool:
    return await outbox_depth(base) == 0


async def frozen_consumer(infra: Infra, logs: Path, scale: Scale, max_poll_s: float = 3.0) -> Outcome:
    """Two kpi replicas in one consumer group over 3 partitions; a third of the way through the load one
    is frozen (SIGSTOP) three times its `max.poll.interval.ms` (and past its session timeout): the group
    gives its partitions to the other; thawed (SIGCONT), its stale batch's commit fails and it rejoins.
    Each replica holds kpi's whole read model (it follows every partition itself), so each is checked:
    the thawed one must catch up with every event and count none twice.
    Recovery: from the thaw to the frozen replica showing every event of the load."""
    poll_ms = int(max_poll_s * 1000)
    tuned = {"topic_partitions": 3}
    consumers = tuned | {"consumer_max_poll_interval_ms": poll_ms, "consumer_session_timeout_ms": 6_000}
    async with fleet(infra, logs) as f:
        leasing = await f.start(LEASING, "leasing", **tuned)
        kpi = [await f.start(KPI, f"kpi-{i}", **consumers) for i in range(2)]
        parks = await f.parks(leasing.base, scale.parks)
        load = KeyedLoad([leasing.base], f.admin, parks, scale.ops, scale.workers, f.run)
        running = asyncio.create_task(load.run())
        await asyncio.wait_for(load.accepted_at_least(writes(scale.ops) // 3), 120)
        frozen_s = max(scale.outage_s, 3 * max_poll_s)
        kpi[0].freeze()
        await asyncio.sleep(frozen_s)
        kpi[0].thaw()
        thawed = time.monotonic()
        ledger = await running
        faults = f"kpi 1 of 2 SIGSTOPped {frozen_s:g} s (max.poll.interval {max_poll_s:g} s)"
        outcome = Outcome("consumer frozen", sent(ledger), faults, 0)
        await check_store(outcome, ledger, leasing.base, f.admin)
        units = await check_topic(outcome, ledger, infra.kafka_bootstrap_servers, f.prefix)
        for replica in kpi:
            with contextlib.suppress(AssertionError):  # not within 120 s: the checks below count it
                await eventually(lambda b=replica.base: applied_all(b, units, f.admin), within=120, every=0.2)  # type: ignore[misc]
            await check_read_model(outcome, units, replica.base, f.admin)
            await check_events_applied(outcome, units, replica.base, f.admin)
            if replica is kpi[0]:
                outcome.recovery_s = time.monotonic() - thawed
        return outcome


async def applied_all(kpi: str, figures: Figures, headers: dict[str, str]) -> bool:
    """Whether the kpi replica has applied every park's events (fewer: still folding)."""
    async with httpx.AsyncClient(base_url=kpi, headers=headers, timeout=30) as http:
        for park, expected in figures.items():
            r = await http.get(f"/parks/{park}/occupancy")
            if r.status_code != 200 or r.json()["events_applied"] < expected["events_applied"]:
                return False
    return True
