"""A park's ticket figures: its open tickets, response/resolution times, scorecard. Staff and auditors;
a tenant user sees only its own tickets (403)."""

from typing import Annotated

from fastapi import APIRouter, Query
from parkops_runtime.access import FiguresScope

from tickets.queries import TicketQueries
from tickets.schemas import CategoryTimes, Instant, OpenTicketPublic, Scorecard

Since = Annotated[Instant | None, Query(alias="from", description="Period start (default: 30 days ago).")]
Until = Annotated[Instant | None, Query(alias="to", description="Period end, exclusive (default: now).")]


def router(queries: TicketQueries) -> APIRouter:
    routes = APIRouter(tags=["tickets"])

    @routes.get("/parks/{park_id}/tickets/open")
    async def park_open(park: FiguresScope) -> list[OpenTicketPublic]:
        return await queries.park_open(park)

    @routes.get("/parks/{park_id}/tickets/times")
    async def times(park: FiguresScope, start: Since = None, end: Until = None) -> list[CategoryTimes]:
        return await queries.times(park, start, end)

    @routes.get("/parks/{park_id}/tickets/scorecard")
    async def park_scorecard(park: FiguresScope, start: Since = None, end: Until = None) -> Scorecard:
        return await queries.scorecard(park, start, end)

    return routes
