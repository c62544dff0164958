"""Consumption throughput of a service built on our runtime, beside the hand-written baselines.

Runs bench/raw_pipeline.py (raw aiokafka + PyMongo: relay, inbox + folded upserts, naive
FastStream) on the same broker and store in the same run, then the kpi service's real consumer path
(CloudEvents decode + contract validation, the replicated view's fold) over N
valid leasing events, and prints our figure as a ratio of the raw-store one (goal: at least 0.5).

Usage: scripts/infra up && eval "$(scripts/infra env)" && .venv/bin/python -m bench.pipeline [N]
"""

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

from aiokafka import AIOKafkaProducer
from kpi.main import create_app as create_kpi
from kpi.settings import KpiSettings
from parkops_contracts.events.leasing import UnitListed

from bench.kpi_throughput import consumption_rate
from tests.support.events import unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope
from tests.support.services import isolated_settings, run_id, serving

RAW = Path(__file__).resolve().parent / "raw_pipeline.py"


def raw_baseline(infra: Infra, n: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, str(RAW), infra.kafka_bootstrap_servers, infra.mongodb_url, str(n)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(output.rstrip())
    figures = {}
    for name in ("raw-relay", "raw-store", "faststream"):
        match = re.search(rf"^{name}.*?([\d,]+) ev/s", output, re.MULTILINE)
        if match:
            figures[name] = float(match.group(1).replace(",", ""))
    return figures


async def fill(infra: Infra, topic: str, n: int, parks: int = 20) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.kafka_bootstrap_servers, enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    for i in range(n):
        park = f"p{i % parks}"
        value = unit_listed(f"u{i}", "120.5", park_id=park, group_id="g").model_dump_json().encode()
        headers = [(k, v.encode()) for k, v in envelope(UnitListed).items()]
        await producer.send(topic, value, key=park.encode(), headers=headers)
    await producer.flush()
    await producer.stop()


async def ours(infra: Infra, n: int) -> float:
    run = run_id()
    settings = isolated_settings(KpiSettings, infra, run, consumer_max_records=2000, log_level="WARNING")
    await fill(infra, UnitListed.topic(settings.topic_prefix), n)
    app = create_kpi(settings)
    began = time.perf_counter()
    async with serving(app):
        return await consumption_rate(app, n, began)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    infra = Infra.from_env()
    print(f"store: MongoDB-wire at {infra.mongodb_url}; broker {infra.kafka_bootstrap_servers}; {n} events")
    raw = raw_baseline(infra, n)
    rate = asyncio.run(ours(infra, n))
    ratio = rate / raw["raw-store"] if raw.get("raw-store") else float("nan")
    print(
        f"kpi service view (decode+validate, fold): {rate:,.0f} ev/s = {ratio:.2f} x raw-store (goal >= 0.5)"
    )


if __name__ == "__main__":
    main()
