"""Replica lag of kpi: from an event's publish to the replicas showing it.

    .venv/bin/python -m bench.replica_lag [--events N] [--partitions N]

kpi runs as real processes (uvicorn, as deployed; one store, one broker). Each event is a `UnitListed`
of a park that leasing registered, produced straight to its topic (keyed by unit, so spread over the
partitions) with the headers a write's event carries (aggregate and version): a read of the park's
occupancy sent that write's consistency token answers once the replica has folded it, so the time
from the publish to that answer is the lag (one HTTP round trip included). Events go one at a time.

Baseline: one kpi replica alone. Then a second joins (it starts from the first's snapshot or the log)
and each event's lag is the later of the two replicas' answers. Both are measured in the same run, each
after a few events not counted (connections opened, code paths warmed)."""

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.consistency import AGGREGATE_HEADER, HEADER, VERSION_HEADER, Token

from services.kpi.tests.unit.kpi_facts import unit
from tests.support.fault_processes import ServiceProcess
from tests.support.fault_scenarios import KPI, LEASING, Fleet, fleet
from tests.support.infra import Infra

SOURCE = "/parkops/bench"
WARM_UP = 30


async def lags(f: Fleet, replicas: list[ServiceProcess], park: str, events: int, label: str) -> list[float]:
    """Seconds from each event's publish to every replica answering a read that reflects it."""
    producer = AIOKafkaProducer(bootstrap_servers=f.infra.kafka_bootstrap_servers, acks="all")
    await producer.start()
    topic = UnitListed.topic(f.prefix)
    seconds: list[float] = []
    async with httpx.AsyncClient(timeout=30) as http:
        try:
            for i in range(events):
                unit_id = f"{label}-{i}"
                event = unit(unit_id, "100").model_copy(update={"park_id": park, "group_id": f.group})
                meta = CloudEventMeta(
                    id=uuid.uuid4().hex, source=SOURCE, type=UnitListed.ce_type(), time=event.listed_at
                )
                aggregate = f"bench-unit/{unit_id}"
                headers = meta.to_headers() | {AGGREGATE_HEADER: aggregate, VERSION_HEADER: "1"}
                token = str(Token(SOURCE, aggregate, 1))
                began = time.perf_counter()
                await producer.send_and_wait(
                    topic,
                    event.model_dump_json().encode(),
                    key=unit_id.encode(),
                    headers=[(k, v.encode()) for k, v in headers.items()],
                )
                reads = [
                    http.get(f"{r.base}/parks/{park}/occupancy", headers=f.admin | {HEADER: token})
                    for r in replicas
                ]
                answers = await asyncio.gather(*reads)
                assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
                seconds.append(time.perf_counter() - began)
        finally:
            await producer.stop()
    return seconds


def figures(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"{name:<34} n={len(ms):>4}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {ms[-1]:7.1f} ms"
    )


async def main(events: int, partitions: int) -> None:
    infra = Infra.from_env()
    tuned = {"topic_partitions": partitions, "consistency_wait_seconds": 30, "snapshot_every_seconds": 5}
    with tempfile.TemporaryDirectory() as logs:
        async with fleet(infra, Path(logs)) as f:
            leasing = await f.start(LEASING, "leasing", topic_partitions=partitions)
            [park] = await f.parks(leasing.base, 1)
            first = await f.start(KPI, "kpi-1", **tuned)
            await lags(f, [first], park, WARM_UP, "warm-1")
            alone = await lags(f, [first], park, events, "alone")
            second = await f.start(KPI, "kpi-2", **tuned)
            await lags(f, [first, second], park, WARM_UP, "warm-2")
            both = await lags(f, [first, second], park, events, "both")
    where = f"{partitions} partitions, broker {infra.kafka_bootstrap_servers}"
    print(f"kpi replica lag: {events} events one at a time (after {WARM_UP} not counted), {where}")
    print(figures("one replica (baseline)", alone))
    print(figures("two replicas, the later of both", both))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--partitions", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.partitions))
