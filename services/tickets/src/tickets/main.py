"""Composition root of the tickets service: `uvicorn --factory tickets.main:create_app`."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

from fastapi import APIRouter, FastAPI
from parkops_contracts.events.tickets import (
    TicketAcknowledged,
    TicketAssigned,
    TicketOpened,
    TicketRated,
    TicketReopened,
    TicketResolved,
    TicketSlaBreached,
)
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.ids import new_id
from parkops_runtime.inbox import Inbox
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.shards import Shards

from tickets.api import build_outcome_router, build_router, build_work_router
from tickets.api_queries import build_query_router
from tickets.breaches import BreachScanner
from tickets.commands import TicketCommands
from tickets.handlers import CONSUMED, LeasingFactsHandler
from tickets.instances import Instances
from tickets.queries import TicketQueries
from tickets.repository import ParkSlaRepository, TicketRepository
from tickets.service import TicketService
from tickets.settings import TicketsSettings
from tickets.tenancy import TenantAccess

PUBLISHED = (
    TicketOpened,
    TicketAcknowledged,
    TicketAssigned,
    TicketResolved,
    TicketReopened,
    TicketSlaBreached,
    TicketRated,
)


def routers(service: TicketService, queries: TicketQueries) -> list[APIRouter]:
    commands = TicketCommands(service)
    return [
        build_router(service),
        build_work_router(service, commands),
        build_outcome_router(service, commands),
        build_query_router(service, queries),
    ]


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
    runtime.document_publications(PUBLISHED)
    tickets = TicketRepository(
        Shards(runtime.aggregates, "tickets", settings.ticket_shards), runtime.outbound
    )
    access = TenantAccess(Inbox(runtime.database["inbox"]))
    claims = Shards(runtime.aggregates, "sla_breaches", settings.ticket_shards)
    scanner = BreachScanner(tickets, claims, runtime.outbound, clock)
    heartbeat = timedelta(seconds=settings.instance_heartbeat_seconds)
    instances = Instances(runtime.database["instances"], new_id(), heartbeat, clock)
    service = TicketService(
        tickets,
        ParkSlaRepository(runtime.database["park_sla"], settings.sla_cache_seconds),
        access,
        runtime.directory,
        scanner.track,
        clock,
    )
    runtime.on_startup(access.reload)
    runtime.subscribe(CONSUMED, LeasingFactsHandler(access))
    app = runtime.create_app("parkops tickets", routers(service, TicketQueries(tickets, runtime.directory)))
    app.router.lifespan_context = with_breach_scanner(runtime, settings, scanner, instances)
    if settings.breach_scanner_enabled:
        runtime.add_readiness_check("due_index", scanner.loaded)
    app.state.scanner, app.state.access = scanner, access
    app.state.instances = instances
    app.state.tickets = tickets
    return app
