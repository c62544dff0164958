"""Finance benchmarks on the real store, beside its raw bulk-insert rate measured in the same run.

1. Billing run: N active leases spread over P parks (one packed books document per park), through the real
   service (`create_app`: store, outbox relay, Kafka); the run issues each lease's invoice for one
   month (state + InvoiceIssued events in one write per park). Goal: 100,000 leases < 60 s.
2. Revenue-mix query of one park for a year: as the API serves it (the store's `_version` checked, then
   the service's in-memory books) and cold (loaded from the store each time). Goal: p95 < 50 ms.

Usage: scripts/infra up && .venv/bin/python -m bench.finance_billing [LEASES] [PARKS]
"""

import asyncio
import gc
import logging
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from fastapi import FastAPI
from finance.billing_runs import BillingRuns
from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.lease_billing import run_billing, schedule_lease
from finance.domain.reports import report_of_months, revenue_report
from finance.main import create_app
from finance.repository import BookFigures, BooksCodec
from finance.service import FinanceService
from finance.settings import FinanceSettings
from parkops_runtime.access import ParkAccess, Principal, Role
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


def schedule_all(books: ParkBooks, p: int, leases: int, schedule: list[ScheduleLine]) -> None:
    for i in range(leases):
        schedule_lease(books, f"L{p}-{i}", f"t{i}", schedule, f"s{p}-{i}")


async def raw_insert_rate(db: AsyncDatabase[Document], n: int = 20_000) -> float:
    docs = [{"_id": uuid.uuid4().hex, "park_id": "p", "payload": "x" * 160} for _ in range(n)]
    started = time.perf_counter()
    for start in range(0, n, 1000):
        await db["raw"].insert_many(docs[start : start + 1000], ordered=False)
    return n / (time.perf_counter() - started)


def revenue_of_books(books: object) -> None:
    assert isinstance(books, ParkBooks)
    revenue_report(books.ledger, "2026")


def revenue_of_figures(stored: object) -> None:
    assert isinstance(stored, tuple)
    report_of_months(stored[1], "2026")


async def read_p95(
    load: Callable[[], Awaitable[object]], report: Callable[[object], None], times: int
) -> tuple[float, float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        report(await load())
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


class LoopLag:
    """The event loop's worst delay while measuring: a 10 ms sleep that wakes late by that much."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _probe(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - started - 0.01)

    def __enter__(self) -> "LoopLag":
        self._task = asyncio.create_task(self._probe())
        self.collecting, self.gc_worst, self._gc_started = 0.0, 0.0, 0.0
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        gc.callbacks.remove(self._gc)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        """Python's collector stops the loop too: its worst pause, told apart from our own work."""
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        paused = time.perf_counter() - self._gc_started
        self.collecting += paused
        self.gc_worst = max(self.gc_worst, paused)


class FailedPublishes(logging.Handler):
    """Counts the outbox's "publish failed" log lines (a KafkaTimeoutError among them)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "publish failed" in record.getMessage()


async def before_and_after(app: FastAPI, parks: int, per_park: int, raw: float) -> None:
    """The same billing (every park's leases, one month) the way it ran before — one write per park
    back to back, its events left to the outbox — and as a job per park now; each until its events are
    on Kafka, with the event loop's worst lag and the failed publishes meanwhile."""
    finance: FinanceService = app.state.finance
    runs: BillingRuns = app.state.billing_runs
    failed = FailedPublishes()
    logging.getLogger("parkops_runtime.outbox").addHandler(failed)

    async def before() -> int:
        issued = 0
        for p in range(parks):
            issued += len(await finance.write(park(p), lambda b: run_billing(b, "2026-03", "run")))
        return issued

    async def after() -> int:
        who = Principal("bench", Role.GROUP_ADMIN, GROUP, frozenset())
        for p in range(parks):
            await runs.start(ParkAccess(who, park(p)), "2026-04")
        await runs.wait()
        done = [await runs.get(ParkAccess(who, park(p)), "2026-04") for p in range(parks)]
        assert all(d.state == "succeeded" for d in done), {d.state for d in done}
        return sum(d.invoices for d in done)

    leases = parks * per_park
    for label, billing in (("before: one write per park", before), ("after: a sliced job per park", after)):
        failed.count, started = 0, time.perf_counter()
        with LoopLag() as lag:
            issued = await billing()
            written = time.perf_counter() - started
            await app.state.runtime.relay.flush()
        took = time.perf_counter() - started
        print(
            f"billing run of {leases:,} leases, {label}: {issued:,} invoices written in {written:.1f} s, "
            f"their events on Kafka after {took:.1f} s = {issued / took:,.0f} invoices/s = "
            f"{issued / took / raw:.3f} x raw insert; event loop lag max {lag.worst * 1000:,.0f} ms (garbage "
            f"collector: worst pause {lag.gc_worst * 1000:,.0f} ms, {lag.collecting:.1f} s in all); "
            f"{failed.count} failed publishes (goal: 100,000 leases < 60 s, no failed publish)"
        )


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
                await finance.write(park(p), lambda b, p=p: schedule_all(b, p, per_park, schedule))
            print(
                f"setup ({leases:,} lease schedules x 12 months stored): "
                f"{time.perf_counter() - started:.1f} s"
            )

            await before_and_after(app, parks, per_park, raw)
            figures = BookFigures(app.state.runtime.aggregates("books").collection)

            def cold_books() -> Awaitable[object]:  # before: a store with no memory loads the books
                stored = app.state.runtime.aggregates("books")
                books = AggregateStore(stored, BooksCodec(), app.state.runtime.outbound, kind="books")
                return books.get("park-0")

            readers = (
                ("before: books loaded from the store, cold", cold_books, revenue_of_books, 30),
                ("before: as served then (version check + in-memory books)", lambda: finance.read(park(0)),
                 revenue_of_books, 200),
                ("after: as served now (figures read by _id beside the books, every time)",
                 lambda: figures.months("park-0"), revenue_of_figures, 200),
            )  # fmt: skip
            for label, load, report, times in readers:
                p50, p95 = await read_p95(load, report, times)
                print(
                    f"revenue mix of one park ({per_park:,} leases), 2026, {label}: "
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 < 50 ms)"
                )
    finally:
        await client.drop_database(db.name)
        await client.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [100_000, 100][len(args) :])))
