"""HTTP routes that read tickets and configure a park's SLA settings."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.errors import Unprocessable

from tickets.domain.reporting import CategoryTimes, Scorecard
from tickets.domain.sla import ParkSla
from tickets.queries import TicketQueries
from tickets.schemas import OpenTicketPublic, SlaSettings, TicketPublic
from tickets.service import TicketService
from tickets.views import open_ticket_public, ticket_public

Since = Annotated[datetime | None, Query(alias="from", description="Period start (default: 30 days ago).")]
Until = Annotated[datetime | None, Query(alias="to", description="Period end, exclusive (default: now).")]


def period(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    end = end or now
    start = start or end - timedelta(days=30)
    start, end = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (start, end))
    if end <= start:
        raise Unprocessable("the period must end after it starts")
    return start, end


def build_query_router(service: TicketService, queries: TicketQueries) -> APIRouter:
    router = APIRouter(tags=["tickets"])

    @router.get("/parks/{park_id}/tickets/open")
    async def park_open(park_id: str, who: CurrentPrincipal) -> list[OpenTicketPublic]:
        now = service.clock()
        return [open_ticket_public(t, now) for t in await queries.park_open(who, park_id)]

    @router.get("/tickets")
    async def own_tickets(who: CurrentPrincipal) -> list[TicketPublic]:
        now = service.clock()
        return [ticket_public(t, now) for t in await queries.own(who)]

    @router.get("/parks/{park_id}/tickets/times")
    async def times(
        park_id: str, who: CurrentPrincipal, start: Since = None, end: Until = None
    ) -> list[CategoryTimes]:
        return await queries.times(who, park_id, *period(start, end, service.clock()))

    @router.get("/parks/{park_id}/tickets/scorecard")
    async def park_scorecard(
        park_id: str, who: CurrentPrincipal, start: Since = None, end: Until = None
    ) -> Scorecard:
        return await queries.scorecard(who, park_id, *period(start, end, service.clock()))

    @router.get("/parks/{park_id}/sla")
    async def get_sla(park_id: str, who: CurrentPrincipal) -> ParkSla:
        return await service.park_sla(who, park_id)

    @router.put("/parks/{park_id}/sla")
    async def put_sla(park_id: str, body: SlaSettings, who: CurrentPrincipal) -> ParkSla:
        sla = ParkSla.model_validate({**body.model_dump(), "park_id": park_id, "group_id": who.group_id})
        return await service.configure_sla(who, sla)

    return router
