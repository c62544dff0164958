"""Actions of staff working a ticket: acknowledge, start, assign, defer, record work."""

from typing import Annotated

from fastapi import APIRouter
from parkops_runtime.auth import STAFF
from parkops_runtime.request_keys import IdempotencyKey

from tickets.access import TicketAccess, seen_by
from tickets.schemas import AssignBody, DeferBody, TicketPublic, WorkBody
from tickets.service import TicketService


def router(service: TicketService) -> APIRouter:
    routes = APIRouter(tags=["tickets"])
    staff = seen_by(service.tickets.get, *STAFF)

    @routes.post("/tickets/{ticket_id}/acknowledge")
    async def acknowledge(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return await service.acknowledge(seen, key)

    @routes.post("/tickets/{ticket_id}/start")
    async def start(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return await service.start_work(seen, key)

    @routes.post("/tickets/{ticket_id}/assign")
    async def assign(
        seen: Annotated[TicketAccess, staff], body: AssignBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.assign(seen, body.command(), key)

    @routes.post("/tickets/{ticket_id}/defer")
    async def defer(
        seen: Annotated[TicketAccess, staff], body: DeferBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.defer(seen, body.command(), key)

    @routes.post("/tickets/{ticket_id}/work")
    async def record_work(
        seen: Annotated[TicketAccess, staff], body: WorkBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.record_work(seen, body.command(), key)

    return routes
