"""Composition root of the finance service: `uvicorn --factory finance.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.base import Event
from parkops_contracts.events.finance import (
    CommissionEarned,
    EquityStakeAcquired,
    FundingClosed,
    InvoiceIssued,
    InvoiceOverdue,
    PaymentReceived,
    RevenueRecognized,
    SubsidyGranted,
)
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock, today, utc_now
from parkops_runtime.service import ServiceRuntime

from finance.api import build_router, build_service_router
from finance.api_capital import build_capital_router
from finance.api_queries import build_catalogue_router, build_query_router
from finance.commands import Commands
from finance.handlers import CONSUMED, ConsumedEventsHandler
from finance.repository import BooksCodec
from finance.service import FinanceService
from finance.settings import FinanceSettings

PUBLISHED: list[type[Event]] = [
    InvoiceIssued,
    PaymentReceived,
    InvoiceOverdue,
    FundingClosed,
    CommissionEarned,
    SubsidyGranted,
    EquityStakeAcquired,
    RevenueRecognized,
]


def create_app(settings: FinanceSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or FinanceSettings()
    runtime = ServiceRuntime(settings)
    runtime.document_publications(PUBLISHED)
    runtime.follow_directory()  # finance knows the parks and tenants leasing registered, nothing else
    books = AggregateStore(
        runtime.aggregates("books"), BooksCodec(), runtime.outbound, kind="books", clock=clock
    )
    finance = FinanceService(books)
    handler = ConsumedEventsHandler(finance, runtime.directory, settings.directory_wait_seconds)
    runtime.subscribe(CONSUMED, handler)
    commands = Commands(finance, runtime.directory, lambda: today(clock))
    app = runtime.create_app(
        "parkops finance",
        [
            build_router(commands),
            build_service_router(commands),
            build_capital_router(commands),
            build_catalogue_router(commands),
            build_query_router(commands),
        ],
    )
    app.state.finance = finance
    return app
