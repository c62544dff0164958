"""Finance benchmarks on the real store, beside its raw bulk-insert rate measured in the same run.

1. Billing run: N active leases spread over P parks (one packed books document per park), through the real
   service (`create_app`: store, outbox relay, Kafka); the run issues each lease's invoice for one
   month (state + InvoiceIssued events in one write per park). Goal: 100,000 leases < 60 s.
2. Revenue-mix query of one park for a year: as the API serves it (the store's `_version` checked, then
   the service's in-memory books) and cold (loaded from the store each time). Goal: p95 < 50 ms.

Usage: scripts/infra up && .venv/bin/python -m bench.finance_billing [LEASES] [PARKS]
"""

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.lease_billing import run_billing, schedule_lease
from finance.domain.reports import revenue_report
from finance.main import create_app
from finance.repository import BooksCodec
from finance.service import FinanceService
from finance.settings import FinanceSettings
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.directory import ParkEntry
from parkops_runtime.mongo import Document, connect
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.infra import Infra
from tests.support.services import isolated_settings, run_id, serving

GROUP = "bench-group"


def park(p: int) -> ParkEntry:
    """A park as the directory knows it (the bench drives the use cases, not the access layer)."""
    return ParkEntry(f"park-{p}", GROUP, f"Park {p}", datetime(2025, 1, 1, tzinfo=UTC))


def lines(months: int) -> list[ScheduleLine]:
    out, first = [], date(2026, 1, 1)
    for month in range(1, months + 1):
        nxt = (first + timedelta(days=32)).replace(day=1)
        end = nxt - timedelta(days=1)
        out.append(ScheduleLine(month=month, starts_on=first, ends_on=end, rent=Decimal("8250.00")))
        first = nxt
    return out


async def raw_insert_rate(db: AsyncDatabase[Document], n: int = 20_000) -> float:
    docs = [{"_id": uuid.uuid4().hex, "park_id": "p", "payload": "x" * 160} for _ in range(n)]
    started = time.perf_counter()
    for start in range(0, n, 1000):
        await db["raw"].insert_many(docs[start : start + 1000], ordered=False)
    return n / (time.perf_counter() - started)


async def read_p95(load: Callable[[], Awaitable[ParkBooks | None]], times: int) -> tuple[float, float, int]:
    samples, entries = [], 0
    for _ in range(times):
        started = time.perf_counter()
        books = await load()
        assert books is not None
        revenue_report(books.ledger, "2026")
        samples.append((time.perf_counter() - started) * 1000)
        entries = len(books.ledger.entries)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18], entries


async def main(leases: int, parks: int) -> None:
    infra = Infra.from_env()
    settings = isolated_settings(FinanceSettings, infra, run_id(), log_level="WARNING")
    client = connect(infra.mongodb_url, "bench-finance")
    db = client[settings.database]
    ferret = "ferretdb" in str(await client.server_info()).lower()
    print(
        f"store: MongoDB-wire at {infra.mongodb_url} (FerretDB: {ferret}); {leases:,} leases, {parks} parks"
    )
    try:
        raw = await raw_insert_rate(db)
        print(f"raw store insert_many (200 B docs, batches of 1,000): {raw:,.0f} docs/s")
        app = create_app(settings)
        async with serving(app):
            finance: FinanceService = app.state.finance
            started, schedule, per_park = time.perf_counter(), lines(12), leases // parks
            for p in range(parks):
                changes = [
                    lambda b, i=i, p=p: schedule_lease(b, f"L{p}-{i}", f"t{i}", schedule, f"s{p}-{i}")
                    for i in range(per_park)
                ]
                await finance.apply_events(park(p), changes)
            print(
                f"setup ({leases:,} lease schedules x 12 months stored): "
                f"{time.perf_counter() - started:.1f} s"
            )

            started, issued = time.perf_counter(), 0
            for p in range(parks):
                issued += len(await finance.write(park(p), lambda b: run_billing(b, "2026-03", "run")))
            took = time.perf_counter() - started
            print(
                f"billing run 2026-03: {issued:,} invoices in {took:.1f} s = {issued / took:,.0f} invoices/s "
                f"= {issued / took / raw:.3f} x raw insert (goal: 100,000 leases < 60 s)"
            )
            rerun = [
                await finance.write(park(p), lambda b: run_billing(b, "2026-03", "again"))
                for p in range(parks)
            ]
            print(f"re-run of 2026-03 issued {sum(map(len, rerun))} invoices")
            runtime = app.state.runtime

            def cold() -> Awaitable[ParkBooks | None]:  # a store with no memory: loads and decodes
                stored = runtime.aggregates("books")
                return AggregateStore(stored, BooksCodec(), runtime.outbound, kind="books").get("park-0")

            readers = (
                ("as served (version check + in-memory books)", lambda: finance.read(park(0)), 200),
                ("cold (loaded from the store)", cold, 30),
            )
            for label, load, times in readers:
                p50, p95, entries = await read_p95(load, times)
                print(
                    f"revenue mix of one park ({per_park:,} leases, {entries:,} entries), 2026, {label}: "
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 < 50 ms)"
                )
    finally:
        await client.drop_database(db.name)
        await client.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [100_000, 100][len(args) :])))
