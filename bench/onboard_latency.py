"""POST onboard + lease (leasing) -> occupancy visible (kpi): latency over N tries, beside the broker floor.

Both services run in this process against the real broker and store (fresh topics and databases);
the baseline is a bare aiokafka produce -> consume round trip of one message on the same broker,
measured in the same run.

Usage: scripts/infra up && eval "$(scripts/infra env)" && .venv/bin/python -m bench.onboard_latency [N]
"""

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_runtime.auth import Role

from tests.support.demo import enterprise
from tests.support.infra import Infra
from tests.support.parks import POLICY, lease_body, park_body
from tests.support.services import bearer, eventually, isolated_settings, run_id, serving

Measured = TypeVar("Measured")


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


async def platform_latency(infra: Infra, n: int) -> list[float]:
    run = run_id()
    admin = bearer(Role.GROUP_ADMIN, "bench-group")
    leasing_app = create_leasing(isolated_settings(LeasingSettings, infra, run))
    kpi_app = create_kpi(isolated_settings(KpiSettings, infra, run))
    samples: list[float] = []
    async with serving(leasing_app) as leasing, serving(kpi_app) as kpi:
        park = park_body("bench-park", "Bench", industries=("C39",))
        (await leasing.post("/parks", json=park, headers=admin)).raise_for_status()
        units = []
        for i in range(n):
            body = {
                "building": "A",
                "floor": 1,
                "unit_number": f"A{i}",
                "unit_type": "office",
                "area_m2": "100",
            }
            response = await leasing.post("/parks/bench-park/units", json=body, headers=admin)
            units.append(response.raise_for_status().json()["unit_id"])
        (await leasing.put("/parks/bench-park/pricing-policy", json=POLICY, headers=admin)).raise_for_status()
        today = datetime.now(UTC).date().isoformat()  # the leases start today: kpi's occupancy counts them
        for i, unit_id in enumerate(units, start=1):
            started = time.perf_counter()
            response = await leasing.post(
                "/parks/bench-park/tenants", headers=admin, json=enterprise(10_000 + i, unit_ids=[unit_id])
            )
            tenant = response.raise_for_status().json()["tenant_id"]
            lease = lease_body(tenant, [unit_id], start=today)  # onboarding occupies nothing: the lease does
            (await leasing.post("/parks/bench-park/leases", headers=admin, json=lease)).raise_for_status()

            async def visible(count: int = i) -> bool:
                occupancy = await kpi.get("/parks/bench-park/occupancy", headers=admin)
                return bool(occupancy.json().get("tenants") == count)

            await eventually(visible, every=0.002)
            samples.append(time.perf_counter() - started)
    return samples


async def raw_round_trip(infra: Infra, n: int) -> list[float]:
    topic = f"bench.latency.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, enable_idempotence=True)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=topic,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=20,
    )
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")
    await consumer.start()
    await consumer.getone()
    samples = []
    for i in range(n):
        started = time.perf_counter()
        await producer.send_and_wait(topic, str(i).encode())
        await consumer.getone()
        samples.append(time.perf_counter() - started)
    await consumer.stop()
    await producer.stop()
    return samples


async def against_baseline(
    measure: Callable[[Infra, int], Awaitable[Measured]], unit: str
) -> tuple[Measured, float, float]:
    """Measure `n` (the first argument, 100 by default) `unit`s, and the raw aiokafka round trip as often;
    print where it ran and that baseline. The measure, and the baseline's p50 and p95."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    infra = Infra.from_env()
    raw = await raw_round_trip(infra, n)
    measured = await measure(infra, n)
    print(f"store: MongoDB-wire at {infra.mongodb_url}; broker {infra.kafka_bootstrap_servers}; {n} {unit}")
    raw_p50, raw_p95 = percentiles(raw)
    print(f"{'raw aiokafka produce->consume':40} p50 {raw_p50:7.1f} ms  p95 {raw_p95:7.1f} ms")
    return measured, raw_p50, raw_p95


async def main() -> None:
    platform, raw_p50, raw_p95 = await against_baseline(platform_latency, "tries")
    p50, p95 = percentiles(platform)
    print(
        f"{'POST onboard + lease -> kpi occupancy':40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms "
        f"(x{p50 / raw_p50:.1f} / x{p95 / raw_p95:.1f} the raw round trip; goal p95 < 500 ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
