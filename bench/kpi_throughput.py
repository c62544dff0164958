"""kpi consumption throughput over a mix of every service's events, beside raw aiokafka on the same topics.

Fills the topics the kpi service consumes with N events (parks of kpi_facts.scenario: leasing, tickets,
finance and matchmaking events), then in the same run: (1) raw aiokafka reads them all (no decode, no
store: the broker's ceiling here), and again inserting each batch into a fresh collection (the store's
ceiling for a consumer that stores each event), (2) the kpi service folds them (its replicated view:
CloudEvents decode + contract validation, in-memory fold, no store write), (3) the view is saved as a
snapshot and a fresh view restored from it (the start-up from a snapshot), checked equal to the live one.

Usage: scripts/infra up && eval "$(scripts/infra env)" && .venv/bin/python -m bench.kpi_throughput [N]
"""

import asyncio
import sys
import time
import uuid

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from kpi.main import create_app as create_kpi
from kpi.projections import Projections
from kpi.settings import KpiSettings
from kpi.view import KpiView
from parkops_contracts.base import Event
from parkops_runtime.replicated_view import ReplicatedView, split
from parkops_runtime.snapshots import Snapshots

from bench.raw_read import raw_read
from services.kpi.tests.unit.kpi_facts import scenario
from tests.support.infra import Infra
from tests.support.kafka import envelope
from tests.support.services import isolated_settings, run_id, serving


def events(n: int) -> list[Event]:
    base = scenario()
    out: list[Event] = []
    park = 0
    while len(out) < n:
        out += [e.model_copy(update={"park_id": f"p{park}", "group_id": "g"}) for e in base]
        park += 1
    return out[:n]


async def fill(infra: Infra, prefix: str, batch: list[Event]) -> set[str]:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, linger_ms=20)
    await producer.start()
    topics = set()
    for event in batch:
        topic = event.topic(prefix)
        topics.add(topic)
        headers = [(k, v.encode()) for k, v in envelope(type(event), uuid.uuid4().hex).items()]
        await producer.send(
            topic, event.model_dump_json().encode(), key=event.park_id.encode(), headers=headers
        )
    await producer.flush()
    await producer.stop()
    return topics


async def consumption_rate(app: FastAPI, n: int, began: float) -> float:
    """Events per second from `began` (just before the app starts) until its view has folded the `n` on
    the topics (kpi folds its view at start-up; the topics were filled first): start-up included."""
    projections: Projections = app.state.projections
    view: ReplicatedView = app.state.view
    await view.follower.wait_ready()
    elapsed = time.perf_counter() - began
    applied = sum(p.events_applied for p in projections.parks())
    assert applied == n, f"{applied} of {n} events applied"
    return n / elapsed


def cpu_seconds() -> float:
    """This process's CPU time: on a shared machine the wall-clock rate also counts the waits for a core."""
    return time.process_time()


async def service(infra: Infra, run: str, n: int) -> tuple[float, float, float, bool]:
    settings = isolated_settings(KpiSettings, infra, run, consumer_max_records=2000, log_level="WARNING")
    app = create_kpi(settings)
    began, cpu_began = time.perf_counter(), cpu_seconds()
    async with serving(app):
        live: Projections = app.state.projections
        rate = await consumption_rate(app, n, began)
        cpu = cpu_seconds() - cpu_began
        view: ReplicatedView = app.state.view
        await view.checkpoint()
        fresh = KpiView()
        began = time.perf_counter()
        snapshot = await Snapshots(app.state.runtime.database["views.snapshots"]).load(view.name)
        assert snapshot is not None
        fresh.restore(split(snapshot.state)[1])
        rebuild = n / (time.perf_counter() - began)
        same = all(
            fresh.projections.ledger(p.park_id, p.group_id) == live.ledger(p.park_id, p.group_id)
            for p in live.parks()
        )
    return rate, cpu, rebuild, same


async def main(n: int) -> None:
    infra = Infra.from_env()
    run = run_id()
    topics = await fill(infra, f"t{run}", events(n))
    print(f"{n} events on {len(topics)} topics; broker {infra.kafka_bootstrap_servers}", flush=True)
    raw = await raw_read(infra, topics, n)
    print(f"raw aiokafka (read only):                         {raw:>9,.0f} ev/s")
    raw_store = await raw_read(infra, topics, n, store=True)
    print(f"raw aiokafka + insert_many per batch:             {raw_store:>9,.0f} ev/s")
    rate, cpu, rebuild, same = await service(infra, run, n)
    ratio = rate / raw_store
    print(
        f"kpi service view (decode+validate, fold):         {rate:>9,.0f} ev/s = {ratio:.2f} x raw+store"
        " (goals: 20,000 ev/s, 0.5 x)"
    )
    print(f"  its process's CPU until ready, start-up incl.:  {cpu:>9.2f} s = {n / cpu:,.0f} ev/s of CPU")
    print(f"start from its snapshot (load + restore):         {rebuild:>9,.0f} ev/s; equal to live: {same}")
    print(f"snapshot start of 1M events, extrapolated:        {1_000_000 / rebuild:>9,.1f} s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
