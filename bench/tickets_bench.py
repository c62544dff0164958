"""Tickets benchmark: the open-ticket API under a steady request rate, and breach-scan passes, over a
seeded store, the service running as deployed (breach scanner on, default settings). The API figures
stand beside a bare FastAPI endpoint measured in the same run, and the goals and the figures before
(issues #17 and #18) beside them. Start-up is measured twice in the same run: from nothing (the due
index read from every ticket, as every start did before) and from the checkpoint that start saved; a
tenant's tickets too: the former query (a filter on the tenant: every ticket read) and `GET /tickets`
from the tenant's list. Run it at two sizes to see what grows with the store.

The service and the bare app each run in their own uvicorn process (`--workers N`: N processes each,
i.e. N instances of the service behind one port, as the breach scanner's claims allow); the load
generator sends at a fixed rate (open loop: latency counts from the scheduled send, so a stall is not
hidden).

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.tickets_bench [--tickets N] [--shards K] [--rate R] [--seconds S]
       [--database NAME] [--workers N] [--rates 50,100,150,200,300]
"""

import argparse
import asyncio
import gc
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from parkops_runtime.auth import Role
from parkops_runtime.mongo import Document
from pymongo import AsyncMongoClient
from tickets.breaches import BreachScanner
from tickets.due_feed import SNAPSHOT
from tickets.main import create_app
from tickets.settings import TicketsSettings
from tickets.tenant_lists import MARKER

from bench.cpu import CpuMeter
from bench.http_client import HttpClient
from bench.load import (
    WARM_UP_SECONDS,
    LoadResult,
    capacity,
    closed_loop,
    served,
    service_env,
    steady_load,
    until_ready,
)
from bench.tickets_seed import already_seeded, register_park, seed, tenant_of
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id

PARK, GROUP = "bench-park", "bench-group"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.2)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",")],
        default=[],
        help="offered rates to sweep afterwards (e.g. 50,100,150,200,300): at each, the service's and the"
        " bare endpoint's achieved rate, p50 and p99, and the CPU per opening of service, store and broker",
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", help="seed this database once and reuse it in later runs")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes (service instances) behind the port"
    )
    return parser.parse_args()


# Figures before this bench's changes (issues #17 and #18, same machine), where one run cannot show them.
ISSUE_BEFORE = {
    "open ticket, closed loop": "137 req/s (100k tickets)",
    "open ticket at 300/s": "p99 4.6-21 s (1M tickets)",
}
TENANT = tenant_of(0)


def show(name: str, r: LoadResult, goal: str = "") -> None:
    before = f"  [before: {ISSUE_BEFORE[name]}]" if name in ISSUE_BEFORE else ""
    print(
        f"{name:<38} {r.sent:>6} sent  {r.achieved:7.1f} req/s  p50 {r.p50:7.1f} ms  p99 {r.p99:7.1f} ms"
        f"  max {r.worst:7.1f} ms  errors {r.errors}{before}" + (f"  goal: {goal}" if goal else "")
    )


async def sweep(
    service: str, path: str, headers: dict[str, str], body: dict[str, str], args: argparse.Namespace
) -> None:
    """The service and the bare endpoint at each offered rate, one after the other, and the CPU seconds
    each opening costs the service process, the store and the broker (read from /proc), which tell how
    many cores the goal needs. The store and the broker are shared: what other work makes them do while
    the rate runs counts here too (an upper bound)."""
    meter = CpuMeter(service)
    print(
        f"\noffered-rate sweep ({args.seconds:g} s each after a {WARM_UP_SECONDS:g} s warm-up);"
        " CPU ms per opening of the service, the store and the broker"
    )
    print(
        f"{'offered':>8} {'achieved':>9} {'p50':>8} {'p99':>9} | {'bare p50':>8} {'bare p99':>9}"
        f" | {'service':>7} {'store':>6} {'broker':>6} {'total':>6} ms CPU"
    )
    achieved: list[float] = []
    busy: list[tuple[float, ...]] = []  # CPU seconds per second of service, store, broker at each rate
    async with served(["bench.bare_app:app"], {}, args.workers) as bare:
        for rate in args.rates:
            bare_result = await steady_load(bare, path, headers, body, rate=rate, seconds=args.seconds)
            r = await steady_load(
                service, path, headers, body, rate=rate, seconds=args.seconds, measured=meter.measuring
            )
            costs = [seconds / max(r.sent, 1) * 1000 for seconds in meter.used]
            achieved.append(r.achieved)
            busy.append(tuple(cost * r.achieved / 1000 for cost in costs))
            print(
                f"{rate:8g} {r.achieved:9.1f} {r.p50:8.1f} {r.p99:9.1f} | {bare_result.p50:8.1f}"
                f" {bare_result.p99:9.1f} | {costs[0]:7.2f} {costs[1]:6.2f} {costs[2]:6.2f} {sum(costs):6.2f}"
                + (f"  errors {r.errors}" if r.errors else "")
            )
    if len(achieved) > 1:
        print(what_would_reach(achieved, busy, 1000))


def what_would_reach(achieved: list[float], busy: list[tuple[float, ...]], goal: float) -> str:
    """Cores busy against openings per second, fitted by least squares per process: the slope is an
    opening's own CPU (background work such as heartbeats, sweeps and consumers' polls is the intercept),
    so the goal's cores are the intercepts plus the slopes times the goal."""
    fits = [statistics.linear_regression(achieved, [b[i] for b in busy]) for i in range(3)]
    marginal = [fit.slope * 1000 for fit in fits]
    background = sum(fit.intercept for fit in fits)
    needed = background + sum(marginal) * goal / 1000
    return (
        f"an opening's own CPU (least squares over the rates): service {marginal[0]:.2f}, store"
        f" {marginal[1]:.2f}, broker {marginal[2]:.2f} ms, {sum(marginal):.2f} ms in all; background"
        f" {background:.2f} cores. {goal:,.0f} openings/s would keep {needed:.1f} cores busy (this machine:"
        f" {os.cpu_count()}, shared); the service's share in one process per core (`--workers`)"
    )


async def scan_passes(settings: TicketsSettings) -> None:
    app = create_app(settings.model_copy(update={"breach_scan_seconds": 3600}))
    async with app.router.lifespan_context(app):
        await until(app.state.due_feed.ready)
        await measure_passes(app.state.scanner)


async def until(check: Callable[[], Awaitable[bool]], every: float = 0.5) -> float:
    started = time.perf_counter()
    while True:
        if await check():
            return time.perf_counter() - started
        await asyncio.sleep(every)


async def measure_passes(scanner: BreachScanner) -> None:
    now = datetime.now(UTC)
    started = time.perf_counter()
    claimed = await scanner.scan_once(now)
    first = time.perf_counter() - started
    print(
        f"scan pass 1 claims what is overdue (tickets of earlier runs come due; the service measured above"
        f" may have claimed them already): {len(claimed)} breaches in {first:.2f} s"
        + (f", {len(claimed) / first:.0f} claims/s" if claimed else "")
    )
    started = time.perf_counter()
    claimed = await scanner.scan_once(now)  # the same instant: a pass over the index with nothing due
    print(
        f"scan pass 2 over {len(scanner.index)} pending targets: {len(claimed)} due,"
        f" {(time.perf_counter() - started) * 1000:.1f} ms (goal < 1 s)"
    )


async def forget_checkpoint(url: str, database: str) -> None:
    """Start the next instance from nothing (every ticket read), as before checkpoints existed."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        await client[database]["views.snapshots"].delete_one({"_id": f"{SNAPSHOT}:head"})
    finally:
        await client.close()


async def backfilled(url: str, database: str) -> bool:
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        return await client[database]["read_models"].find_one({"_id": MARKER}) is not None
    finally:
        await client.close()


async def tenant_query(url: str, database: str, base: str) -> None:
    """A tenant's tickets: as before (a filter on the tenant, which reads every ticket), timed on the
    store directly, and as now (`GET /tickets`, from the tenant's list) over HTTP."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        started = time.perf_counter()
        found = await client[database]["tickets"].find({"tenant_id": TENANT, "group_id": GROUP}).to_list()
        scan = (time.perf_counter() - started) * 1000
    finally:
        await client.close()
    http = HttpClient(base, bearer(Role.TENANT_USER, GROUP, [PARK], tenant=TENANT))
    try:
        mine = await http.get("/tickets")
        assert mine.status_code == 200, mine.body[:300]
        result = await closed_loop(lambda _: http.get("/tickets"), 1, 5)
    finally:
        await http.close()
    print(
        f"a tenant's tickets ({len(found)}): before (reads every ticket) {scan:.0f} ms;"
        f" now from its list, over HTTP: p50 {result.p50:.1f} ms p99 {result.p99:.1f} ms"
        f" ({result.sent} queries; goal: independent of the number of tickets)"
    )


async def main() -> None:
    args = arguments()
    gc.freeze()  # the load generator's own collector pauses would count as the service's latency
    infra = Infra.from_env()
    settings = isolated_settings(
        TicketsSettings, infra, run_id(), ticket_shards=args.shards, log_level="WARNING"
    )
    if args.database:
        settings = settings.model_copy(update={"mongodb_database": args.database})
    url, database = infra.mongodb_url, settings.database
    print(f"store: FerretDB (MongoDB wire) at {url}, database {database}")
    if await already_seeded(url, database, args.shards):
        print(f"reusing the tickets already seeded in {database}")
    else:
        seconds = await seed(
            url, database, args.shards, total=args.tickets, open_share=args.open_share, park=PARK, group=GROUP
        )
        print(
            f"seeded {args.tickets:,} tickets ({args.open_share:.0%} open, one in ten a tenant's)"
            f" over {args.shards} shards in {seconds:.1f} s"
        )
        await register_park(url, database, PARK, GROUP, TENANT)  # tickets answer known parks only
    headers = bearer(Role.PARK_OPERATOR, GROUP, [PARK])
    body = {"category": "repair", "priority": "normal", "title": "bench"}
    path = f"/parks/{PARK}/tickets"
    env = service_env(settings)
    async with served(["bench.bare_app:app"], {}, args.workers) as bare:
        show(
            "bare FastAPI endpoint, closed loop",
            await capacity(bare, path, headers, body, workers=8, seconds=args.seconds),
        )
        show(
            f"bare FastAPI endpoint at {args.rate:g}/s",
            await steady_load(bare, path, headers, body, rate=args.rate, seconds=args.seconds),
        )
    await forget_checkpoint(url, database)
    launched = time.perf_counter()  # readiness from the process's launch: uvicorn serves after start-up
    async with served(["--factory", "tickets.main:create_app"], env, args.workers) as service:
        await until_ready(service, args.workers)
        ready = time.perf_counter() - launched
        print(f"ready from nothing (the due index read from every ticket, as before): {ready:.1f} s")
        backfill = await until(lambda: backfilled(url, database))
        print(f"tenants' lists backfilled (once per database; reads every ticket) {backfill:.1f} s later")
        await tenant_query(url, database, service)
    launched = time.perf_counter()
    async with served(["--factory", "tickets.main:create_app"], env, args.workers) as service:
        await until_ready(service, args.workers)
        ready = time.perf_counter() - launched
        print(
            f"{args.workers} instance(s) ready from the due index's checkpoint: {ready:.1f} s (goal < 10 s)"
        )
        show(
            "open ticket, closed loop",
            await capacity(service, path, headers, body, workers=8, seconds=args.seconds),
            ">= 1,000 req/s",
        )
        show(
            f"open ticket at {args.rate:g}/s",
            await steady_load(service, path, headers, body, rate=args.rate, seconds=args.seconds),
            "p99 <= 2x the bare endpoint's and <= 25 ms",
        )
        if args.rates:
            await sweep(service, path, headers, body, args)
    await scan_passes(settings)


if __name__ == "__main__":
    asyncio.run(main())
