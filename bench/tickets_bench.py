"""Tickets benchmark: the open-ticket API under a steady request rate, and breach-scan passes, over a
seeded store, the service running as deployed (breach scanner on, default settings). The API figures
stand beside a bare FastAPI endpoint measured in the same run.

The service and the bare app each run in their own uvicorn process (`--workers N`: N processes each,
i.e. N instances of the service behind one port, as the breach scanner's claims allow); the load
generator sends at a fixed rate (open loop: latency counts from the scheduled send, so a stall is not
hidden).

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python -m bench.tickets_bench [--tickets N] [--shards K] [--rate R] [--seconds S]
       [--database NAME] [--workers N]
"""

import argparse
import asyncio
import gc
import time
from datetime import UTC, datetime

from parkops_runtime.auth import Role
from tickets.breaches import BreachScanner
from tickets.main import create_app
from tickets.settings import TicketsSettings

from bench.load import LoadResult, capacity, served, service_env, steady_load, until_ready
from bench.tickets_seed import already_seeded, register_park, seed
from tests.support.infra import Infra
from tests.support.services import bearer, isolated_settings, run_id

PARK, GROUP = "bench-park", "bench-group"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.2)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", help="seed this database once and reuse it in later runs")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes (service instances) behind the port"
    )
    return parser.parse_args()


def show(name: str, r: LoadResult) -> None:
    print(
        f"{name:<38} {r.sent:>6} sent  {r.achieved:7.1f} req/s  p50 {r.p50:7.1f} ms  p99 {r.p99:7.1f} ms"
        f"  max {r.worst:7.1f} ms  errors {r.errors}"
    )


async def scan_passes(settings: TicketsSettings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await measure_passes(app.state.scanner)


async def measure_passes(scanner: BreachScanner) -> None:
    started = time.perf_counter()
    indexed = await scanner.rebuild()
    print(f"due index rebuilt from the store: {indexed} entries in {time.perf_counter() - started:.2f} s")
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


async def main() -> None:
    args = arguments()
    gc.freeze()  # the load generator's own collector pauses would count as the service's latency
    infra = Infra.from_env()
    settings = isolated_settings(
        TicketsSettings, infra, run_id(), ticket_shards=args.shards, log_level="WARNING"
    )
    if args.database:
        settings = settings.model_copy(update={"mongodb_database": args.database})
    print(f"store: FerretDB (MongoDB wire) at {infra.mongodb_url}, database {settings.database}")
    if await already_seeded(infra.mongodb_url, settings.database, args.shards):
        print(f"reusing the tickets already seeded in {settings.database}")
    else:
        seconds = await seed(
            infra.mongodb_url,
            settings.database,
            args.shards,
            total=args.tickets,
            open_share=args.open_share,
            park=PARK,
            group=GROUP,
        )
        print(
            f"seeded {args.tickets:,} tickets ({args.open_share:.0%} open)"
            f" over {args.shards} shards in {seconds:.1f} s"
        )
    await register_park(infra.mongodb_url, settings.database, PARK, GROUP)  # tickets answer known parks only
    headers = bearer(Role.PARK_OPERATOR, GROUP, [PARK])
    body = {"category": "repair", "priority": "normal", "title": "bench"}
    path = f"/parks/{PARK}/tickets"
    env = service_env(settings)
    async with served(["bench.bare_app:app"], {}, args.workers) as bare:
        show(
            "bare FastAPI endpoint, closed loop",
            await capacity(bare, path, headers, body, workers=8, seconds=args.seconds),
        )
        show(f"bare FastAPI endpoint at {args.rate:g}/s", await steady_load(bare, path, headers, body, args))
    async with served(["--factory", "tickets.main:create_app"], env, args.workers) as service:
        ready = await until_ready(service, args.workers)
        print(
            f"{args.workers} service instance(s) ready after {ready:.1f} s"
            " (each one's breach scanner read the due index of every ticket)"
        )
        show(
            "open ticket, closed loop",
            await capacity(service, path, headers, body, workers=8, seconds=args.seconds),
        )
        show(f"open ticket at {args.rate:g}/s", await steady_load(service, path, headers, body, args))
    await scan_passes(settings)


if __name__ == "__main__":
    asyncio.run(main())
