"""HTTP routes that read tickets and configure a park's SLA settings."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from parkops_kernel.errors import Unprocessable
from parkops_runtime.access import FiguresScope, ParkScope, StaffScope
from parkops_runtime.auth import CurrentPrincipal

from tickets.domain.reporting import CategoryTimes, Scorecard
from tickets.domain.sla import ParkSla
from tickets.queries import TicketQueries
from tickets.schemas import Instant, OpenTicketPublic, SlaSettings, TicketPublic
from tickets.service import TicketService
from tickets.views import open_ticket_public, ticket_public

Since = Annotated[Instant | None, Query(alias="from", description="Period start (default: 30 days ago).")]
Until = Annotated[Instant | None, Query(alias="to", description="Period end, exclusive (default: now).")]
"""A park's ticket figures: staff and auditors; a tenant user sees only its own tickets (403)."""


def period(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    end = end or now
    start = start or end - timedelta(days=30)
    if end <= start:
        raise Unprocessable("the period must end after it starts", field="to")
    return start, end


def build_query_router(service: TicketService, queries: TicketQueries) -> APIRouter:
    router = APIRouter(tags=["tickets"])

    @router.get("/parks/{park_id}/tickets/open")
    async def park_open(park: FiguresScope) -> list[OpenTicketPublic]:
        now = service.clock()
        return [open_ticket_public(t, now) for t in await queries.park_open(park)]

    @router.get("/tickets")
    async def own_tickets(who: CurrentPrincipal) -> list[TicketPublic]:
        now = service.clock()
        return [ticket_public(t, now) for t in await queries.own(who)]

    @router.get("/parks/{park_id}/tickets/times")
    async def times(park: FiguresScope, start: Since = None, end: Until = None) -> list[CategoryTimes]:
        return await queries.times(park, *period(start, end, service.clock()))

    @router.get("/parks/{park_id}/tickets/scorecard")
    async def park_scorecard(park: FiguresScope, start: Since = None, end: Until = None) -> Scorecard:
        return await queries.scorecard(park, *period(start, end, service.clock()))

    @router.get("/parks/{park_id}/sla")
    async def get_sla(park: ParkScope) -> ParkSla:
        return await service.park_sla(park)

    @router.put("/parks/{park_id}/sla")
    async def put_sla(park: StaffScope, body: SlaSettings) -> ParkSla:
        owner = {"park_id": park.park_id, "group_id": park.group_id}
        sla = ParkSla.model_validate(body.model_dump() | owner)
        return await service.configure_sla(sla)

    return router
