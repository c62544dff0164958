"""Leasing latency as a park grows: quote, sign and rent roll at 200, 2,000 and 20,000 units per park,
beside a bare FastAPI endpoint (issues #17, #18; ADR 14).

For each size U of `--units` (default 200,2000,20000), seeds P parks of U units (default 1; each with L
leased units in 5-unit leases) straight into the leasing store of a fresh database, in the layout the
service keeps (the park, its lease files, its units' books: `leasing.park_parts`); serves the leasing
service and a bare FastAPI app each in its own uvicorn process (against the real broker and store), and
measures over HTTP, per size:
  - quote, S sequential requests (p50, p95);
  - sign, S sequential requests: the cost of one sign (p50, p95);
  - sign at a steady offered rate R/s for T s (open loop: each request sent on time whether or not the
    earlier ones were answered; latency from its scheduled time): throughput achieved and p95;
  - sign, C concurrent clients back to back (closed loop, as the bench measured before);
  - rent roll of one park, S sequential requests (a park-wide read);
and the bare endpoint at the same offered rate in the same run (the floor of the HTTP stack here). Each
figure is printed beside its 200-unit (first size) figure of the same run and the goal: flat, within
1.5x of it.

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.leasing_latency [--units 200,2000,20000] [--parks 1] [--samples 50]
           [--rate 100] [--seconds 20] [--clients 20]
"""

import argparse
import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from leasing.domain.commands import RegisterPark, SignLease
from leasing.domain.lease_book import sign_lease
from leasing.domain.lease_file import LeaseFile
from leasing.domain.park import Park, Tenant, Unit
from leasing.domain.policy import PricingPolicy
from leasing.domain.unit_book import Period, UnitBook
from leasing.park_parts import book_id, file_id
from leasing.repository import BOOKS, LEASES, ParkCodec, PartCodec
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_runtime.auth import Role
from parkops_runtime.mongo import Document
from pymongo import AsyncMongoClient

from bench.http_client import HttpClient, Response
from bench.load import LoadResult, Tally, closed_loop, open_loop, served, service_env, until_ready
from tests.support.demo import credit_code
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id

AT = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = PricingPolicy(base_rents={UnitType.OFFICE: Decimal(50), UnitType.RND_BUILDING: Decimal(45)})


GOAL = 1.5  # each figure within 1.5x of the first (200-unit) size's


def park_id(size: int, index: int) -> str:
    return f"p{size}-{index:03d}"


def seeded_park(size: int, index: int, units: int, leased: int) -> Park:
    """A park of `units` units (built directly: listing one by one checks each against all the others),
    `leased` of them in 5-unit leases of 5 tenants (leases kept in the park: `stored` splits them off)."""
    park = Park.register(
        RegisterPark("bench-group", f"Park {size}/{index}", ParkType.INCUBATOR, ["C39"]),
        park_id(size, index),
        AT,
    )
    park.pricing_policy = POLICY
    for u in range(units):
        park.units[f"u{u:05d}"] = Unit(
            unit_id=f"u{u:05d}",
            building="A",
            floor=1 + u // 20,
            unit_number=f"A-{u}",
            unit_type=UnitType.OFFICE,
            area_m2=Decimal(120),
            listed_on=AT.date(),
        )
    for t in range(max(1, leased // 5)):
        park.tenants[f"t{t}"] = Tenant(
            tenant_id=f"t{t}",
            name=f"E{t}",
            credit_code=credit_code(size * 1000 + index * 100 + t),
            industry_code="C3973",
            high_tech=t % 2 == 0,
            founded_on=date(2020, 1, 1),
            headcount=20,
            unit_ids=[],
            in_leading_industry=True,
            onboarded_at=AT,
        )
        if t * 5 + 5 <= leased:
            units_of_t = [f"u{u:05d}" for u in range(t * 5, t * 5 + 5)]
            sign_lease(park, SignLease(f"t{t}", units_of_t, 36, date(2026, 1, 1), None), f"l{t}", AT)
    park.events.clear()
    return park


def stored(park: Park) -> dict[str, list[Document]]:
    """The park's documents by collection, as the service stores them (`leasing.park_parts`)."""
    docs: dict[str, list[Document]] = {"parks": [], LEASES: [], BOOKS: []}
    for lease in park.leases.values():
        fields = PartCodec(LeaseFile).encode(LeaseFile(park_id=park.park_id, lease=lease))
        docs[LEASES].append({"_id": file_id(park.park_id, lease.lease_id), **fields, "_version": 1})
        for unit_id in lease.unit_ids:
            book = UnitBook.open(park.park_id, unit_id)
            period = {"lease_id": lease.lease_id, "tenant_id": lease.tenant_id, "claimed_at": AT}
            book.adopt(Period(starts_on=lease.starts_on, last_day=lease.last_day, **period))
            fields = PartCodec(UnitBook).encode(book)
            docs[BOOKS].append({"_id": book_id(park.park_id, unit_id), **fields, "_version": 1})
    park.leases = {}
    docs["parks"].append({"_id": park.park_id, **ParkCodec().encode(park), "_version": 1})
    return docs


async def seed(database: str, url: str, sizes: list[int], parks: int, leased: int) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    for size in sizes:
        for i in range(parks):
            for name, docs in stored(seeded_park(size, i, size, leased)).items():
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
        f"{label:<46} p50 {r.p50:8.1f} ms  p95 {r.p95:8.1f} ms  ({r.sent} requests, {r.achieved:,.0f}/s,"
        f" {r.errors} errors)"
    )


def versus(figure: float, baseline: float, higher_is_better: bool = False) -> str:
    """The figure as a multiple of the baseline's (cost: figure / baseline; rate: baseline / figure)."""
    if baseline <= 0 or figure <= 0:
        return "   n/a"
    ratio = baseline / figure if higher_is_better else figure / baseline
    return f"{ratio:5.2f}x {'ok  ' if ratio <= GOAL else 'OVER'}"


def report(sizes: list[int], rows: dict[int, dict[str, LoadResult]], bare: LoadResult, rate: float) -> None:
    base = sizes[0]
    print(f"\nbare FastAPI GET at {rate:.0f}/s offered: {figures('', bare).strip()}")
    print(f"goal: each figure within {GOAL}x of the {base}-unit figure of this run (cost flat in park size)")
    for label in rows[base]:
        print(f"\n{label}")
        for size in sizes:
            r, b = rows[size][label], rows[base][label]
            if "offered" in label:
                print(
                    f" {size:>6} units: achieved {r.achieved:6.1f}/s ({versus(r.achieved, b.achieved, True)})"
                    f"  p95 {r.p95:8.1f} ms ({versus(r.p95, b.p95)})  {r.errors} errors;"
                    f"  bare p95 {bare.p95:.1f} ms"
                )
            else:
                print(
                    f"  {size:>6} units: p50 {r.p50:8.1f} ms ({versus(r.p50, b.p50)})"
                    f"  p95 {r.p95:8.1f} ms ({versus(r.p95, b.p95)})  {r.errors} errors"
                )


async def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--units", default="200,2000,20000", help="park sizes, the first the baseline")
    args.add_argument("--parks", type=int, default=1, help="parks of each size")
    args.add_argument("--leased", type=int, default=100)
    args.add_argument("--samples", type=int, default=50)
    args.add_argument("--rate", type=float, default=100, help="offered signs per second")
    args.add_argument("--seconds", type=float, default=20, help="how long the offered rate runs")
    args.add_argument("--clients", type=int, default=20, help="closed-loop signing clients")
    args.add_argument("--closed-seconds", type=float, default=10)
    args.add_argument("--settle", type=float, default=3, help="pause before each measurement")
    opts = args.parse_args()
    sizes = [int(u) for u in opts.units.split(",")]
    gc.freeze()  # the load generator's collector pauses would count as the service's latency
    infra = Infra.from_env()
    settings = isolated_settings(LeasingSettings, infra, run_id())
    started = time.perf_counter()
    await seed(settings.database, infra.mongodb_url, sizes, opts.parks, opts.leased)
    print(f"store: MongoDB-wire at {infra.mongodb_url}; broker {infra.kafka_bootstrap_servers}")
    print(
        f"seeded {opts.parks} park(s) of each of {sizes} units ({opts.leased} leased per park) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    async with served(["bench.bare_app:app"], {}) as bare_url:
        bare_client = HttpClient(bare_url, {})
        bare = await open_loop(lambda _: bare_client.get("/ping"), opts.rate, opts.seconds)
        await bare_client.close()
    rows: dict[int, dict[str, LoadResult]] = {}
    async with served(["--factory", "leasing.main:create_app"], service_env(settings)) as leasing_url:
        await until_ready(leasing_url)
        leasing = HttpClient(leasing_url, bearer(Role.GROUP_ADMIN, "bench-group"))
        measures = {size: await phases(leasing, size, opts) for size in sizes}
        for phase in range(len(measures[sizes[0]])):  # each phase over every size before the next phase
            for size in sizes:
                label, run = measures[size][phase]
                await asyncio.sleep(opts.settle)  # the last phase's events published: no backlog counted
                rows.setdefault(size, {})[label] = await run()
        await leasing.close()
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongodb_url)
    await client.drop_database(settings.database)  # the seeded parks are large
    await client.close()
    report(sizes, rows, bare, opts.rate)


Phase = tuple[str, Callable[[], Awaitable[LoadResult]]]


async def phases(leasing: HttpClient, size: int, opts: argparse.Namespace) -> list[Phase]:
    """What is measured on the parks of one size, in order."""
    parks = [park_id(size, i) for i in range(opts.parks)]
    free = size - opts.leased
    signed = [0]

    def quote(i: int) -> Awaitable[Response]:
        unit = opts.leased + (i * 7919) % free  # spread over the park's free units
        return leasing.post(f"/parks/{parks[i % len(parks)]}/quotes", lease_terms(unit, 36, 2027))

    def sign(_: int) -> Awaitable[Response]:
        n, signed[0] = signed[0], signed[0] + 1  # each sign a free unit-period of its own
        unit, year = opts.leased + n % free, 2027 + n // free
        return leasing.post(f"/parks/{parks[n % len(parks)]}/leases", lease_terms(unit, 12, year))

    def rent_roll(i: int) -> Awaitable[Response]:
        return leasing.get(f"/parks/{parks[i % len(parks)]}/rent-roll?on=2026-06-01")

    await sequential(3, quote)  # the first read of each park (a load) is not what is measured
    return [
        ("quote, sequential", lambda: sequential(opts.samples, quote)),
        ("sign, sequential (the cost of one sign)", lambda: sequential(opts.samples, sign)),
        ("rent roll of one park, sequential", lambda: sequential(opts.samples, rent_roll)),
        (
            f"sign at {opts.rate:.0f}/s offered for {opts.seconds:.0f} s (open loop)",
            lambda: open_loop(sign, opts.rate, opts.seconds),
        ),
        (
            f"sign, {opts.clients} concurrent clients (closed loop)",
            lambda: closed_loop(sign, opts.clients, opts.closed_seconds),
        ),
    ]


def lease_terms(unit: int, months: int, year: int) -> dict[str, object]:
    """The body of a quote or a lease: tenant t0 takes unit `unit` for `months` from 1 January `year`."""
    return {
        "tenant_id": "t0",
        "unit_ids": [f"u{unit:05d}"],
        "term_months": months,
        "starts_on": f"{year}-01-01",
    }


if __name__ == "__main__":
    asyncio.run(main())
