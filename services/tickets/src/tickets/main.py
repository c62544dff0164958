"""Composition root of the tickets service: `uvicorn --factory tickets.main:create_app`."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from parkops_contracts.events import tickets as tickets_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.ids import new_id
from parkops_runtime.inbox import Inbox
from parkops_runtime.service import ServiceRuntime

from tickets.access import TenantAccess
from tickets.api import routers
from tickets.breaches import BreachScanner
from tickets.handlers import CONSUMED, LeasingFactsHandler
from tickets.heartbeat import Instances
from tickets.queries import TicketQueries
from tickets.repository import ParkChanges, stores, version_sla_documents
from tickets.service import Stored, TicketService
from tickets.settings import TicketsSettings


def with_breach_scanner(
    runtime: ServiceRuntime, settings: TicketsSettings, scanner: BreachScanner, instances: Instances
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The runtime's lifespan, with this instance's breach scanner and heartbeat running inside it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            if settings.breach_scanner_enabled:
                instances.start()
                scanner.start(
                    settings.breach_scan_seconds, settings.due_index_refresh_seconds, instances.take_orphans
                )
            try:
                yield
            finally:
                await scanner.stop()
                await instances.stop()

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
    heartbeat = timedelta(seconds=settings.instance_heartbeat_seconds)
    instances = Instances(runtime.database["instances"], new_id(), heartbeat, clock)
    service = TicketService(Stored(store.tickets, store.slas), access, scanner.track, clock)
    runtime.on_startup(access.reload)
    runtime.on_startup(lambda: version_sla_documents(store.sla_documents))
    runtime.subscribe(CONSUMED, LeasingFactsHandler(service))
    queries = TicketQueries(store.documents, service, runtime.directory, clock)
    app = runtime.create_app("parkops tickets", routers(service, queries))
    app.router.lifespan_context = with_breach_scanner(runtime, settings, scanner, instances)
    if settings.breach_scanner_enabled:
        runtime.add_readiness_check("due_index", scanner.loaded)
    app.state.scanner, app.state.access, app.state.instances = scanner, access, instances
    app.state.tickets = store.documents
    return app
