"""HTTP routes that open and change tickets: schemas in, use case, schemas out. No business rules."""

from typing import Annotated

from fastapi import APIRouter, Header, status
from parkops_runtime.auth import CurrentPrincipal

from tickets.commands import TicketCommands
from tickets.domain.ticket import Ticket
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


def build_router(service: TicketService, commands: TicketCommands) -> APIRouter:
    router = APIRouter(tags=["tickets"])
    c = commands

    def out(ticket: Ticket) -> TicketPublic:
        return ticket_public(ticket, service.clock())

    @router.post("/parks/{park_id}/tickets", status_code=status.HTTP_201_CREATED)
    async def open_ticket(
        park_id: str, body: TicketCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        draft = TicketDraft(**body.model_dump())
        return out(await service.open_ticket(who, park_id, draft, key))

    @router.get("/tickets/{ticket_id}")
    async def get_ticket(ticket_id: str, who: CurrentPrincipal) -> TicketPublic:
        return out(await service.ticket(who, ticket_id))

    @router.post("/tickets/{ticket_id}/acknowledge")
    async def acknowledge(ticket_id: str, who: CurrentPrincipal, key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.acknowledge(who, ticket_id, key))

    @router.post("/tickets/{ticket_id}/start")
    async def start(ticket_id: str, who: CurrentPrincipal, key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.start_work(who, ticket_id, key))

    @router.post("/tickets/{ticket_id}/assign")
    async def assign(
        ticket_id: str, body: AssignBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.assign(who, ticket_id, body.team, body.technician, key))

    @router.post("/tickets/{ticket_id}/defer")
    async def defer(
        ticket_id: str, body: DeferBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.defer(who, ticket_id, body.until, body.reason, key))

    @router.post("/tickets/{ticket_id}/work")
    async def record_work(
        ticket_id: str, body: WorkBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.record_work(who, ticket_id, body.labour, body.materials, key))

    @router.post("/tickets/{ticket_id}/resolve")
    async def resolve(
        ticket_id: str, body: ResolveBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.resolve(who, ticket_id, body.billable, body.acknowledge, key))

    @router.post("/tickets/{ticket_id}/close")
    async def close(ticket_id: str, who: CurrentPrincipal, key: IdempotencyKey = None) -> TicketPublic:
        return out(await c.close(who, ticket_id, key))

    @router.post("/tickets/{ticket_id}/reopen")
    async def reopen(
        ticket_id: str, body: ReopenBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.reopen(who, ticket_id, body.reason, key))

    @router.post("/tickets/{ticket_id}/rating")
    async def rate(
        ticket_id: str, body: RatingBody, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> TicketPublic:
        return out(await c.rate(who, ticket_id, body.score, body.comment, key))

    return router
