"""Leasing latency at park-group scale: rent roll, quote and sign, beside a bare FastAPI endpoint.

Seeds P parks x U units (default 1,000 x 200, each park with L leased units in 5-unit leases) straight
into the leasing store of a fresh database, serves the leasing service and a bare FastAPI app each in
its own uvicorn process (against the real broker and store), and measures over HTTP:
  - rent roll of one park, S sequential requests (goal p95 < 50 ms);
  - quote, S sequential requests (goal p95 < 20 ms);
  - sign, C concurrent clients back to back, each signing free units of its own park (goal p95 < 50 ms);
and the bare endpoint the same ways in the same run (the floor of the HTTP stack here).

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.leasing_latency [--parks 1000] [--units 200] [--samples 50] [--clients 100]
"""

import argparse
import asyncio
import gc
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from leasing.domain.commands import ListUnit, RegisterPark, SignLease
from leasing.domain.lease_book import sign_lease
from leasing.domain.park import Park, Tenant
from leasing.domain.policy import PricingPolicy
from leasing.repository import ParkCodec
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_runtime.auth import Role
from parkops_runtime.mongo import Document
from parkops_runtime.shards import shard_name, shard_of
from pymongo import AsyncMongoClient

from bench.http_client import HttpClient, Response
from bench.load import LoadResult, Tally, closed_loop, served, service_env, until_ready
from tests.support.demo import credit_code
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id

AT = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = PricingPolicy(base_rents={UnitType.OFFICE: Decimal(50), UnitType.RND_BUILDING: Decimal(45)})


def seeded_park(index: int, units: int, leased: int) -> Park:
    park = Park.register(
        RegisterPark("bench-group", f"Park {index}", ParkType.INCUBATOR, ["C39"]), f"p{index:04d}", AT
    )
    park.pricing_policy = POLICY
    for u in range(units):
        park.list_unit(ListUnit("A", 1 + u // 20, f"A-{u}", UnitType.OFFICE, Decimal(120)), f"u{u:03d}", AT)
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
            sign_lease(park, SignLease(f"t{t}", units_of_t, 36, date(2026, 1, 1), None), f"l{t}", AT)
    park.events.clear()
    return park


async def seed(database: str, url: str, parks: int, units: int, *, leased: int, shards: int) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    batches: dict[str, list[Document]] = {}
    for i in range(parks):
        park = seeded_park(i, units, leased)
        name = shard_name("parks", shard_of(park.park_id, shards), shards)
        batches.setdefault(name, []).append({"_id": park.park_id, **ParkCodec().encode(park), "_version": 1})
    for name, docs in batches.items():
        for start in range(0, len(docs), 50):
            await client[database][name].insert_many(docs[start : start + 50])
    await client.close()


async def sequential(n: int, call: Callable[[int], Awaitable[Response]]) -> LoadResult:
    tally, started = Tally(), time.perf_counter()
    for i in range(n):
        await tally.time(lambda i=i: call(i), time.perf_counter())  # type: ignore[misc]
    return LoadResult.of(tally.samples, tally.errors, time.perf_counter() - started)


def figures(label: str, r: LoadResult) -> str:
    return (
        f"{label:<44} p50 {r.p50:8.1f} ms  p95 {r.p95:8.1f} ms  ({r.sent} requests, {r.achieved:,.0f}/s,"
        f" {r.errors} errors)"
    )


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--parks", type=int, default=1000)
    args.add_argument("--units", type=int, default=200)
    args.add_argument("--leased", type=int, default=100)
    args.add_argument("--samples", type=int, default=50)
    args.add_argument("--clients", type=int, default=100)
    args.add_argument("--seconds", type=float, default=10, help="how long the concurrent phases run")
    args.add_argument("--shards", type=int, default=1, help="LEASING_PARK_COLLECTIONS")
    opts = args.parse_args()
    gc.freeze()  # the load generator's collector pauses would count as the service's latency
    infra = Infra.from_env()
    settings = isolated_settings(LeasingSettings, infra, run_id(), park_collections=opts.shards)
    started = time.perf_counter()
    await seed(
        settings.database, infra.mongodb_url, opts.parks, opts.units, leased=opts.leased, shards=opts.shards
    )
    print(f"store: MongoDB-wire at {infra.mongodb_url}; broker {infra.kafka_bootstrap_servers}")
    print(
        f"seeded {opts.parks} parks x {opts.units} units ({opts.leased} leased per park) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rng = random.Random(7)
    parks = [f"p{rng.randrange(opts.parks):04d}" for _ in range(opts.samples)]
    signers = [f"p{i:04d}" for i in rng.sample(range(opts.parks), min(opts.clients, opts.parks))]
    free_units = list(range(opts.leased, opts.units))  # each sign takes the next free unit of its park
    signed = dict.fromkeys(signers, 0)
    admin = bearer(Role.GROUP_ADMIN, "bench-group")
    env = service_env(settings)
    rows: list[tuple[str, LoadResult]] = []
    async with served(["bench.bare_app:app"], {}) as bare_url:
        bare = HttpClient(bare_url, {})
        rows.append(
            ("bare FastAPI GET, sequential", await sequential(opts.samples, lambda _: bare.get("/ping")))
        )
        rows.append(
            (
                f"bare FastAPI GET, {opts.clients} concurrent clients",
                await closed_loop(lambda _: bare.get("/ping"), opts.clients, opts.seconds),
            )
        )
        await bare.close()
    async with served(["--factory", "leasing.main:create_app"], env) as leasing_url:
        await until_ready(leasing_url)
        leasing = HttpClient(leasing_url, admin)

        def rent_roll(i: int) -> Awaitable[Response]:
            return leasing.get(f"/parks/{parks[i]}/rent-roll?on=2026-06-01")

        def quote(i: int) -> Awaitable[Response]:
            return leasing.post(f"/parks/{parks[i]}/quotes", lease_terms(opts.units // 2 + i % 10, 36))

        def sign(client: int) -> Awaitable[Response]:
            park = signers[client % len(signers)]
            unit = free_units[signed[park] % len(free_units)]
            signed[park] += 1
            return leasing.post(f"/parks/{park}/leases", lease_terms(unit, 24))

        rows.append(("rent roll of one park, sequential", await sequential(opts.samples, rent_roll)))
        rows.append(("quote, sequential", await sequential(opts.samples, quote)))
        rows.append(
            (f"sign, {opts.clients} concurrent clients", await closed_loop(sign, opts.clients, opts.seconds))
        )
        await leasing.close()
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongodb_url)
    await client.drop_database(settings.database)  # the seeded parks are large
    await client.close()
    for label, result in rows:
        print(figures(label, result))
    print("goals: rent roll p95 < 50 ms, quote p95 < 20 ms, sign p95 < 50 ms at 100 concurrent clients")


def lease_terms(unit: int, months: int) -> dict[str, object]:
    """The body of a quote or a lease: tenant t0 takes unit `unit` for `months` from 1 January 2027."""
    return {"tenant_id": "t0", "unit_ids": [f"u{unit:03d}"], "term_months": months, "starts_on": "2027-01-01"}


if __name__ == "__main__":
    asyncio.run(main())
