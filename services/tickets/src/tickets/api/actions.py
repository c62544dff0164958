"""Actions on a ticket, `POST /tickets/{ticket_id}/<action>`: staff work it (acknowledge, start,
assign, defer, record work, resolve, close), staff or its tenant user reopen it, its tenant user rates
it (staff record the rating of an imported ticket). Every action answers the ticket as it is after it,
takes the `Idempotency-Key` header, and an optional `at` (staff recording a ticket's history).

The routes differ only in who may act, the body they take and the service method they call, so they
are one table (`ACTIONS`) and two route shapes (with a body; with an optional one, `{"at": ...}`)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import APIRouter
from parkops_runtime.auth import STAFF, Role
from parkops_runtime.request_keys import IdempotencyKey

from tickets.access import RATERS, REOPENERS, TicketAccess, seen_by
from tickets.schemas import (
    AssignBody,
    DeferBody,
    RatingBody,
    ReopenBody,
    ResolveBody,
    StepBody,
    TicketPublic,
    WorkBody,
)
from tickets.service import TicketService

Answer = Awaitable[TicketPublic]


class Body(Protocol):
    def command(self) -> Any: ...


@dataclass(frozen=True)
class Action:
    name: str  # the route's name (and so its OpenAPI operation)
    path: str  # the last segment of its path
    roles: tuple[Role, ...]
    body: type[Body]
    call: Callable[[TicketService], Callable[..., Answer]]
    bare: bool = False  # the body is optional: a request without one acts now


ACTIONS = (
    Action("acknowledge", "acknowledge", STAFF, StepBody, lambda s: s.acknowledge, bare=True),
    Action("start", "start", STAFF, StepBody, lambda s: s.start_work, bare=True),
    Action("assign", "assign", STAFF, AssignBody, lambda s: s.assign),
    Action("defer", "defer", STAFF, DeferBody, lambda s: s.defer),
    Action("record_work", "work", STAFF, WorkBody, lambda s: s.record_work),
    Action("resolve", "resolve", STAFF, ResolveBody, lambda s: s.resolve),
    Action("close", "close", STAFF, StepBody, lambda s: s.close, bare=True),
    Action("reopen", "reopen", REOPENERS, ReopenBody, lambda s: s.reopen),
    Action("rate", "rating", RATERS, RatingBody, lambda s: s.rate),
)


def route(service: TicketService, action: Action) -> Callable[..., Answer]:
    who, call = seen_by(service.tickets.get, *action.roles), action.call(service)
    if action.bare:

        async def bare(
            seen: Annotated[TicketAccess, who], body: StepBody | None = None, key: IdempotencyKey = None
        ) -> TicketPublic:
            return await call(seen, (body or StepBody()).command(), key)

        return bare

    async def with_body(
        seen: Annotated[TicketAccess, who], body: Body, key: IdempotencyKey = None
    ) -> TicketPublic:
        return await call(seen, body.command(), key)

    with_body.__annotations__["body"] = action.body  # the route's own body model, for FastAPI
    return with_body


def router(service: TicketService) -> APIRouter:
    routes = APIRouter(tags=["tickets"])
    for action in ACTIONS:
        path = f"/tickets/{{ticket_id}}/{action.path}"
        routes.add_api_route(path, route(service, action), methods=["POST"], name=action.name)
    return routes
