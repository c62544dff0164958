"""Composition root of the finance service: `uvicorn --factory finance.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events import finance as finance_events
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock, today, utc_now
from parkops_runtime.collector import collect_less_often
from parkops_runtime.service import ServiceRuntime

from finance.api import build_routers
from finance.billing_runs import BillingRuns
from finance.handlers import CONSUMED, ConsumedEventsHandler
from finance.queries import FinanceQueries
from finance.repository import BillingRunCodec, BookFigures, BooksCodec
from finance.service import FinanceService
from finance.settings import FinanceSettings


def create_app(settings: FinanceSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or FinanceSettings()
    collect_less_often()  # the books in memory are millions of objects: see parkops_runtime.collector
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
