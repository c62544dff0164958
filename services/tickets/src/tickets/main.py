"""Composition root of the tickets service: `uvicorn --factory tickets.main:create_app`."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from parkops_contracts.events import tickets as tickets_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.inbox import Inbox
from parkops_runtime.replicated_view import follower_factory
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.snapshots import Snapshots

from tickets.access import TenantAccess
from tickets.api import routers
from tickets.breaches import BreachScanner
from tickets.due_feed import FOLLOWED, DueFeed, end_offsets
from tickets.handlers import CONSUMED, LeasingFactsHandler
from tickets.queries import TicketQueries
from tickets.repository import ParkChanges, stores, version_sla_documents
from tickets.service import Stored, TicketService
from tickets.settings import TicketsSettings
from tickets.tenant_lists import Backfill, TenantLists


def due_feed(runtime: ServiceRuntime, settings: TicketsSettings, scanner: BreachScanner) -> DueFeed:
    """The due index from its checkpoint and the tickets' events since (`tickets.due_feed`)."""
    topics = [c.topic(settings.topic_prefix) for c in FOLLOWED]
    runtime.topics.follows.update(topics)
    return DueFeed(
        scanner,
        follower_factory(settings.kafka_bootstrap_servers, FOLLOWED, settings.topic_prefix),
        Snapshots(runtime.database["views.snapshots"]),
        log_ends=lambda: end_offsets(settings.kafka_bootstrap_servers, topics),
        every_seconds=settings.due_index_checkpoint_seconds,
    )


def with_background(
    runtime: ServiceRuntime,
    settings: TicketsSettings,
    scanning: tuple[BreachScanner, DueFeed],
    backfill: Backfill,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The runtime's lifespan, with this instance's due index, breach scanner and (once per database)
    the tenants' lists backfill running inside it."""
    scanner, feed = scanning

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            backfill.start()
            if settings.breach_scanner_enabled:
                feed.start()
                scanner.start(settings.breach_scan_seconds, settings.due_index_refresh_seconds)
            try:
                yield
            finally:
                await scanner.stop()
                await feed.stop()
                await backfill.stop()

    return lifespan


def create_app(settings: TicketsSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or TicketsSettings()
    runtime = ServiceRuntime(settings)
    runtime.follow_directory()  # which group owns which park, and its tenants: from leasing's events
    runtime.document_publications(tickets_events.PUBLISHED)
    store = stores(runtime, settings, clock)
    changes = ParkChanges(runtime.database["tenancy_changes"])
    access = TenantAccess(Inbox(runtime.database["inbox"]), runtime.directory, changes)
    scanner = BreachScanner(store.tickets, store.documents, store.claims, runtime.outbound, clock)
    feed = due_feed(runtime, settings, scanner)
    lists = TenantLists(store.tenant_lists)
    backfill = Backfill(lists, runtime.database["read_models"], store.documents, clock)
    stored = Stored(store.tickets, store.slas, lists, store.draw_ticket_id)
    sla_cache = timedelta(seconds=settings.sla_cache_seconds)
    service = TicketService(stored, access, scanner.track, clock, sla_cache)
    runtime.on_startup(access.reload)
    runtime.on_startup(lambda: version_sla_documents(store.sla_documents))
    runtime.subscribe(CONSUMED, LeasingFactsHandler(service))
    queries = TicketQueries(store.documents, service, runtime.directory, (lists, backfill), clock)
    app = runtime.create_app("parkops tickets", routers(service, queries))
    app.router.lifespan_context = with_background(runtime, settings, (scanner, feed), backfill)
    if settings.breach_scanner_enabled:
        runtime.add_readiness_check("due_index", feed.ready)
    app.state.scanner, app.state.access, app.state.due_feed = scanner, access, feed
    app.state.tickets, app.state.backfill = store.documents, backfill
    return app
