"""HTTP routes that open and change tickets: schemas in, use case, schemas out. No business rules and
no scope checks: the park comes from `ParkScope`, the ticket from the scopes in `tickets.access`."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, status
from parkops_runtime.auth import STAFF, Role

from tickets.access import RATERS, REOPENERS, OpenerScope, TicketAccess, ticket_scope
from tickets.commands import TicketCommands
from tickets.domain.ticket import Ticket
from tickets.domain.work import Labour, Material
from tickets.schemas import (
    AssignBody,
    DeferBody,
    RatingBody,
    ReopenBody,
    ResolveBody,
    TicketCreate,
    TicketPublic,
    WorkBody,
)
from tickets.service import TicketDraft, TicketService
from tickets.views import ticket_public

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def seen_by(service: TicketService, *roles: Role) -> Any:
    """The dependency that finds the ticket of the path the caller sees (and, with roles, may change)."""
    return Depends(ticket_scope(service.tickets.get, *roles))


def answer(service: TicketService) -> Callable[[Ticket], TicketPublic]:
    return lambda ticket: ticket_public(ticket, service.clock())


def build_router(service: TicketService) -> APIRouter:
    """Open a ticket in a park, read one."""
    router = APIRouter(tags=["tickets"])
    anyone, out = seen_by(service), answer(service)

    @router.post("/parks/{park_id}/tickets", status_code=status.HTTP_201_CREATED)
    async def open_ticket(park: OpenerScope, body: TicketCreate, key: IdempotencyKey = None) -> TicketPublic:
        draft = TicketDraft(**body.model_dump())
        return out(await service.open_ticket(park, draft, key))

    @router.get("/tickets/{ticket_id}")
    async def get_ticket(seen: Annotated[TicketAccess, anyone]) -> TicketPublic:
        return out(seen.ticket)

    return router


def build_work_router(service: TicketService, c: TicketCommands) -> APIRouter:
    """Staff working a ticket: acknowledge, start, assign, defer, record work."""
    router = APIRouter(tags=["tickets"])
    staff, out = seen_by(service, *STAFF), answer(service)

    @router.post("/tickets/{ticket_id}/acknowledge")
    async def acknowledge(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.acknowledge(seen, key))

    @router.post("/tickets/{ticket_id}/start")
    async def start(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.start_work(seen, key))

    @router.post("/tickets/{ticket_id}/assign")
    async def assign(
        seen: Annotated[TicketAccess, staff], body: AssignBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.assign(seen, body.team, body.technician, key))

    @router.post("/tickets/{ticket_id}/defer")
    async def defer(
        seen: Annotated[TicketAccess, staff], body: DeferBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.defer(seen, body.until, body.reason, key))

    @router.post("/tickets/{ticket_id}/work")
    async def record_work(
        seen: Annotated[TicketAccess, staff], body: WorkBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        labour = [Labour.model_validate(line.model_dump()) for line in body.labour]
        materials = [Material.model_validate(line.model_dump()) for line in body.materials]
        return out(await c.record_work(seen, labour, materials, key))

    return router


def build_outcome_router(service: TicketService, c: TicketCommands) -> APIRouter:
    """A ticket's outcome: resolved and closed by staff, reopened, rated."""
    router = APIRouter(tags=["tickets"])
    staff, out = seen_by(service, *STAFF), answer(service)
    reopener, rater = seen_by(service, *REOPENERS), seen_by(service, *RATERS)

    @router.post("/tickets/{ticket_id}/resolve")
    async def resolve(
        seen: Annotated[TicketAccess, staff], body: ResolveBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.resolve(seen, body.billable, body.acknowledge, key))

    @router.post("/tickets/{ticket_id}/close")
    async def close(seen: Annotated[TicketAccess, staff], key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.close(seen, key))

    @router.post("/tickets/{ticket_id}/reopen")
    async def reopen(
        seen: Annotated[TicketAccess, reopener], body: ReopenBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.reopen(seen, body.reason, key))

    @router.post("/tickets/{ticket_id}/rating")
    async def rate(
        seen: Annotated[TicketAccess, rater], body: RatingBody, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.rate(seen, body.score, body.comment, key))

    return router
