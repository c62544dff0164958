"""Tickets: open one in a park, read one, a tenant user's own."""

from typing import Annotated

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.request_keys import IdempotencyKey

from tickets.access import OpenerScope, TicketAccess, seen_by
from tickets.queries import TicketQueries
from tickets.schemas import TicketCreate, TicketPublic
from tickets.service import TicketService


def router(service: TicketService, queries: TicketQueries) -> APIRouter:
    routes = APIRouter(tags=["tickets"])
    anyone = seen_by(service.tickets.get)

    @routes.post("/parks/{park_id}/tickets", status_code=status.HTTP_201_CREATED)
    async def open_ticket(park: OpenerScope, body: TicketCreate, key: IdempotencyKey = None) -> TicketPublic:
        return await service.open_ticket(park, body.command(), key)

    @routes.get("/tickets/{ticket_id}")
    async def get_ticket(seen: Annotated[TicketAccess, anyone]) -> TicketPublic:
        return await queries.ticket(seen)

    @routes.get("/tickets")
    async def own_tickets(who: CurrentPrincipal) -> list[TicketPublic]:
        return await queries.own(who)

    return routes
