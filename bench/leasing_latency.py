"""Leasing latency at park-group scale: rent roll, quote and sign, beside a bare FastAPI endpoint.

Seeds P parks x U units (default 1,000 x 200, each park with L leased units in 5-unit leases) straight
into the leasing store of a fresh database, runs the leasing app in this process against the real
broker and store, and measures through its ASGI interface:
  - rent roll of one park, S sequential requests (goal p95 < 50 ms);
  - quote, S sequential requests (goal p95 < 20 ms);
  - sign, C concurrent clients each signing a free unit in its own park (goal p95 < 50 ms);
and a bare FastAPI endpoint the same ways in the same run (the floor of the HTTP stack here).

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python bench/leasing_latency.py [--parks 1000] [--units 200] [--samples 50] [--clients 100]
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from fastapi import FastAPI
from leasing.domain.lease_book import sign_lease
from leasing.domain.park import Park, Tenant
from leasing.domain.policy import PricingPolicy
from leasing.main import create_app
from leasing.park_codec import park_fields
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_runtime.auth import Role
from parkops_runtime.shards import shard_name, shard_of
from pymongo import AsyncMongoClient

from tests.support.demo import credit_code
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id, serving

AT = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = PricingPolicy(base_rents={UnitType.OFFICE: Decimal(50), UnitType.RND_BUILDING: Decimal(45)})


def seeded_park(index: int, units: int, leased: int) -> Park:
    park = Park.register(f"p{index:04d}", "bench-group", f"Park {index}", ParkType.INCUBATOR, ["C39"], AT)
    park.pricing_policy = POLICY
    for u in range(units):
        park.list_unit(f"u{u:03d}", "A", 1 + u // 20, f"A-{u}", UnitType.OFFICE, Decimal(120), AT)
    for t in range(max(1, leased // 5)):
        park.tenants[f"t{t}"] = Tenant(
            tenant_id=f"t{t}",
            name=f"E{t}",
            credit_code=credit_code(index * 1000 + t),
            industry_code="C3973",
            high_tech=t % 2 == 0,
            founded_on=date(2020, 1, 1),
            headcount=20,
            unit_ids=[],
            in_leading_industry=True,
            onboarded_at=AT,
        )
        if t * 5 + 5 <= leased:
            units_of_t = [f"u{u:03d}" for u in range(t * 5, t * 5 + 5)]
            sign_lease(park, f"l{t}", f"t{t}", units_of_t, 36, date(2026, 1, 1), None, AT)
    park.events.clear()
    return park


async def seed(app: FastAPI, parks: int, units: int, leased: int) -> None:
    shards = app.state.runtime.settings.park_collections
    batches: dict[str, list[dict[str, object]]] = {}
    for i in range(parks):
        park = seeded_park(i, units, leased)
        name = shard_name("parks", shard_of(park.park_id, shards), shards)
        batches.setdefault(name, []).append({"_id": park.park_id, **park_fields(park), "_version": 1})
    database = app.state.runtime.database
    for name, docs in batches.items():
        for start in range(0, len(docs), 50):
            await database[name].insert_many(docs[start : start + 50])


async def sequential(n: int, call: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    samples = []
    for i in range(n):
        started = time.perf_counter()
        (await call(i)).raise_for_status()
        samples.append(time.perf_counter() - started)
    return samples


async def concurrent(n: int, call: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    async def one(i: int) -> float:
        started = time.perf_counter()
        (await call(i)).raise_for_status()
        return time.perf_counter() - started

    return list(await asyncio.gather(*(one(i) for i in range(n))))


def figures(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:8.1f} ms  p95 {cuts[94] * 1000:8.1f} ms  (n={len(samples)})"


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--parks", type=int, default=1000)
    args.add_argument("--units", type=int, default=200)
    args.add_argument("--leased", type=int, default=100)
    args.add_argument("--samples", type=int, default=50)
    args.add_argument("--clients", type=int, default=100)
    args.add_argument("--shards", type=int, default=1, help="LEASING_PARK_COLLECTIONS")
    opts = args.parse_args()
    infra = Infra(
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
        os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/"),
    )
    bare = FastAPI()

    @bare.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    admin = bearer(Role.GROUP_ADMIN, "bench-group")
    app = create_app(isolated_settings(LeasingSettings, infra, run_id(), park_collections=opts.shards))
    started = time.perf_counter()
    await seed(app, opts.parks, opts.units, opts.leased)
    print(f"store: MongoDB-wire at {infra.mongodb_url}; broker {infra.kafka_bootstrap_servers}")
    print(
        f"seeded {opts.parks} parks x {opts.units} units ({opts.leased} leased per park) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rng = random.Random(7)
    parks = [f"p{rng.randrange(opts.parks):04d}" for _ in range(max(opts.samples, opts.clients))]
    distinct = [f"p{i:04d}" for i in rng.sample(range(opts.parks), min(opts.clients, opts.parks))]
    async with serving(app) as leasing, serving(bare) as floor:

        def ping_once(_: int) -> Awaitable[httpx.Response]:
            return floor.get("/ping")

        def rent_roll(i: int) -> Awaitable[httpx.Response]:
            return leasing.get(f"/parks/{parks[i]}/rent-roll?on=2026-06-01", headers=admin)

        def quote(i: int) -> Awaitable[httpx.Response]:
            body = {
                "tenant_id": "t0",
                "unit_ids": [f"u{opts.units // 2 + i % 10:03d}"],
                "term_months": 36,
                "starts_on": "2027-01-01",
            }
            return leasing.post(f"/parks/{parks[i]}/quotes", headers=admin, json=body)

        def sign(i: int) -> Awaitable[httpx.Response]:
            body = {
                "tenant_id": "t0",
                "unit_ids": [f"u{opts.units // 2:03d}"],
                "term_months": 24,
                "starts_on": "2027-01-01",
            }
            return leasing.post(f"/parks/{distinct[i % len(distinct)]}/leases", headers=admin, json=body)

        rows = [
            ("bare FastAPI GET, sequential", await sequential(opts.samples, ping_once)),
            ("rent roll of one park, sequential", await sequential(opts.samples, rent_roll)),
            ("quote, sequential", await sequential(opts.samples, quote)),
            (f"bare FastAPI GET, {opts.clients} concurrent", await concurrent(opts.clients, ping_once)),
            (
                f"sign, {opts.clients} concurrent clients",
                await concurrent(min(opts.clients, len(distinct)), sign),
            ),
        ]
    client = AsyncMongoClient(infra.mongodb_url)
    await client.drop_database(app.state.runtime.settings.database)  # the seeded parks are large
    await client.close()
    for label, samples in rows:
        print(f"{label:<40} {figures(samples)}")
    print("goals: rent roll p95 < 50 ms, quote p95 < 20 ms, sign p95 < 50 ms at 100 concurrent clients")


if __name__ == "__main__":
    asyncio.run(main())
