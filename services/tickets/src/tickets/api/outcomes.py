"""A ticket's outcome: resolved and closed by staff, reopened, rated by its tenant."""

from typing import Annotated

from fastapi import APIRouter
from parkops_runtime.auth import STAFF
from parkops_runtime.request_keys import IdempotencyKey

from tickets.access import RATERS, REOPENERS, TicketAccess, seen_by
from tickets.schemas import RatingBody, ReopenBody, ResolveBody, TicketPublic
from tickets.service import TicketService


def router(service: TicketService) -> APIRouter:
    routes = APIRouter(tags=["tickets"])
    staff = seen_by(service.tickets.get, *STAFF)
    reopener = seen_by(service.tickets.get, *REOPENERS)
    rater = seen_by(service.tickets.get, *RATERS)

    @routes.post("/tickets/{ticket_id}/resolve")
    async def resolve(
        seen: Annotated[TicketAccess, staff], body: ResolveBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.resolve(seen, body.command(), key)

    @routes.post("/tickets/{ticket_id}/close")
    async def close(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return await service.close(seen, key)

    @routes.post("/tickets/{ticket_id}/reopen")
    async def reopen(
        seen: Annotated[TicketAccess, reopener], body: ReopenBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.reopen(seen, body.command(), key)

    @routes.post("/tickets/{ticket_id}/rating")
    async def rate(
        seen: Annotated[TicketAccess, rater], body: RatingBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await service.rate(seen, body.command(), key)

    return routes
