"""Event latency through leasing's outbox: from the HTTP answer to the record on Kafka, and duplicates.

Serves leasing as deployed (one uvicorn process, the outbox settings' defaults) against the real broker
and store, lists units at a steady rate on one park and then spread over many parks, and times each
write from its 201 answer until a consumer of the unit-listed topic receives the record carrying its
unit id. Also counts duplicate publishes (records minus distinct `ce_id`). The baseline is a bare
aiokafka produce -> consume round trip on the same broker, measured in the same run.

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.publish_latency [--rate 50] [--seconds 10] [--parks 20]
"""

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.auth import Role

from bench.http_client import HttpClient
from bench.load import served, service_env, until_ready
from bench.onboard_latency import raw_round_trip
from tests.support.infra import Infra
from tests.support.services import bearer, eventually, isolated_settings, run_id

DEPLOYED = LeasingSettings.model_fields


@dataclass
class Arrivals:
    """What the consumer saw: first arrival per unit id, and every record's ce_id."""

    at: dict[str, float] = field(default_factory=dict)
    ce_ids: Counter[str] = field(default_factory=Counter)


async def consume(consumer: AIOKafkaConsumer, arrivals: Arrivals) -> None:
    while True:
        batches = await consumer.getmany(timeout_ms=100)
        now = time.perf_counter()
        for records in batches.values():
            for record in records:
                headers = dict(record.headers)
                arrivals.ce_ids[headers["ce_id"].decode()] += 1
                arrivals.at.setdefault(json.loads(record.value)["unit_id"], now)


def unit(i: int) -> dict[str, object]:
    return {"building": "A", "floor": 1, "unit_number": f"A{i}", "unit_type": "office", "area_m2": "100"}


@dataclass
class Writes:
    answered: dict[str, float] = field(default_factory=dict)  # unit id -> when its 201 arrived
    http_ms: list[float] = field(default_factory=list)  # from the scheduled send to the answer
    errors: int = 0


async def steady_writes(client: HttpClient, parks: list[str], rate: float, seconds: float) -> Writes:
    """Lists units at `rate` per second, round robin over `parks`."""
    writes = Writes()

    async def write(i: int, scheduled: float) -> None:
        response = await client.post(f"/parks/{parks[i % len(parks)]}/units", unit(i))
        now = time.perf_counter()
        writes.http_ms.append((now - scheduled) * 1000)
        if response.status_code != 201:
            writes.errors += 1
            return
        body = response.json()
        assert isinstance(body, dict)
        writes.answered[body["unit_id"]] = now

    tasks, start = [], time.perf_counter()
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(write(i, scheduled)))
    await asyncio.gather(*tasks)
    return writes


def cuts(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        return (samples[0],) * 3 if samples else (0.0, 0.0, 0.0)
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


async def phase(
    label: str, client: HttpClient, parks: list[str], arrivals: Arrivals, *, rate: float, seconds: float
) -> str:
    writes = await steady_writes(client, parks, rate, seconds)
    answered, errors = writes.answered, writes.errors

    async def all_arrived() -> bool:
        return all(u in arrivals.at for u in answered)

    with contextlib.suppress(AssertionError):  # reported below as never arrived
        await eventually(all_arrived, within=60)
    lags = [(arrivals.at[u] - t) * 1000 for u, t in answered.items() if u in arrivals.at]
    missing = sum(u not in arrivals.at for u in answered)
    p50, p95, p99 = cuts(lags)
    worst = max(lags, default=0.0)
    http50, _, http99 = cuts(writes.http_ms)
    return (
        f"{label:<34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  max {worst:7.1f} ms"
        f"  ({len(answered)} writes at {rate:g}/s, {errors} errors, {missing} never arrived;"
        f" HTTP answer p50 {http50:.1f} ms p99 {http99:.1f} ms)"
    )


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--rate", type=float, default=50, help="writes per second")
    args.add_argument("--seconds", type=float, default=10)
    args.add_argument("--parks", type=int, default=20, help="parks of the many-parks phase")
    opts = args.parse_args()
    infra = Infra.from_env()
    run = run_id()
    deployed = {
        name: DEPLOYED[name].default
        for name in (
            "outbox_sweep_seconds",
            "outbox_owner_beat_seconds",
            "outbox_owner_dead_after_seconds",
            "outbox_retry_seconds",
        )
    }
    settings = isolated_settings(LeasingSettings, infra, run, **deployed)
    raw = [s * 1000 for s in await raw_round_trip(infra, 200)]
    admin = bearer(Role.GROUP_ADMIN, "bench-group")
    topic = UnitListed.topic(settings.topic_prefix)
    env = service_env(settings)
    async with served(["--factory", "leasing.main:create_app"], env) as base:
        await until_ready(base)
        client = HttpClient(base, admin)
        parks = [f"bench-{i}" for i in range(opts.parks + 1)]
        for park in parks:
            body = {"park_id": park, "name": park, "park_type": "incubator", "leading_industries": ["C39"]}
            response = await client.post("/parks", body)
            assert response.status_code == 201, response.body
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=infra.kafka_bootstrap_servers,
            group_id=f"bench-{run}",
            auto_offset_reset="earliest",
            fetch_max_wait_ms=20,
        )
        await consumer.start()
        arrivals = Arrivals()
        consuming = asyncio.create_task(consume(consumer, arrivals))
        try:
            rows = [
                await phase("one park", client, parks[:1], arrivals, rate=opts.rate, seconds=opts.seconds),
                await phase(
                    f"{opts.parks} parks", client, parks[1:], arrivals, rate=opts.rate, seconds=opts.seconds
                ),
            ]
            await asyncio.sleep(2)  # a late second publish would still be counted
        finally:
            consuming.cancel()
            await consumer.stop()
            await client.close()
    records, distinct = sum(arrivals.ce_ids.values()), len(arrivals.ce_ids)
    p50, p95, p99 = cuts(raw)
    print(f"broker {infra.kafka_bootstrap_servers}, store {infra.mongodb_url}")
    print(f"{'raw aiokafka produce -> consume':<34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")
    for row in rows:
        print(row)
    print(f"unit-listed records {records}, distinct ce_id {distinct}: {records - distinct} duplicates")
    print("goal: p99 < 100 ms from the HTTP answer to the record on Kafka, 0 duplicates")


if __name__ == "__main__":
    asyncio.run(main())
