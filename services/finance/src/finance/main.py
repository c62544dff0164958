"""Composition root of the finance service: `uvicorn --factory finance.main:create_app`."""

import gc

from fastapi import FastAPI
from parkops_contracts.events import finance as finance_events
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock, today, utc_now
from parkops_runtime.service import ServiceRuntime

from finance.api import build_routers
from finance.billing_runs import BillingRuns
from finance.handlers import CONSUMED, ConsumedEventsHandler
from finance.queries import FinanceQueries
from finance.repository import BillingRunCodec, BookFigures, BooksCodec
from finance.service import FinanceService
from finance.settings import FinanceSettings

# finance keeps the books of every park it served in memory: millions of small objects, which each of
# Python's full collections walks. At the default thresholds (700, 10, 10) a billing run of 100,000
# leases spent a sixth of its time collecting, in pauses of up to 2.4 s that stop the event loop
# (bench.finance_billing prints them); collecting young objects every 50,000 allocations, not 700, made
# that 0.3 s in all and pauses under 100 ms.
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


def create_app(settings: FinanceSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or FinanceSettings()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    runtime = ServiceRuntime(settings)
    runtime.document_publications(finance_events.PUBLISHED)
    runtime.follow_directory()  # finance knows the parks and tenants leasing registered, nothing else
    stored = runtime.aggregates("books")
    books = AggregateStore(stored, BooksCodec(), runtime.outbound, kind="books", clock=clock)
    finance = FinanceService(books, runtime.directory, lambda: today(clock))
    handler = ConsumedEventsHandler(finance, runtime.directory, settings.directory_wait_seconds)
    runtime.subscribe(CONSUMED, handler)
    runs = AggregateStore(
        runtime.aggregates("billing_runs"),
        BillingRunCodec(),
        runtime.outbound,
        kind="billing-run",
        clock=clock,
    )
    depth = lambda: runtime.registry.get_sample_value("outbox_depth") or 0.0  # noqa: E731
    billing_runs = BillingRuns(runs, finance, depth, clock)
    queries = FinanceQueries(finance, BookFigures(stored.collection))
    app = runtime.create_app("parkops finance", build_routers(finance, queries, billing_runs))
    app.state.finance, app.state.billing_runs = finance, billing_runs
    return app
