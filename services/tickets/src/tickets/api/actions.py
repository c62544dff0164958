"""Actions on a ticket, `POST /tickets/{ticket_id}/<action>`: staff work it (acknowledge, start,
assign, defer, record work, resolve, close), staff or its tenant user reopen it, its tenant user rates
it. Every action answers the ticket as it is after it, and takes the `Idempotency-Key` header.

The routes differ only in who may act, the body they take and the service method they call, so they
are one table (`ACTIONS`) and two route shapes (with a body, without)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import APIRouter
from parkops_runtime.auth import STAFF, Role
from parkops_runtime.request_keys import IdempotencyKey

from tickets.access import RATERS, REOPENERS, TicketAccess, seen_by
from tickets.schemas import AssignBody, DeferBody, RatingBody, ReopenBody, ResolveBody, TicketPublic, WorkBody
from tickets.service import TicketService

Answer = Awaitable[TicketPublic]


class Body(Protocol):
    def command(self) -> Any: ...


@dataclass(frozen=True)
class Action:
    name: str  # the route's name (and so its OpenAPI operation)
    path: str  # the last segment of its path
    roles: tuple[Role, ...]
    body: type[Body] | None
    call: Callable[[TicketService], Callable[..., Answer]]


ACTIONS = (
    Action("acknowledge", "acknowledge", STAFF, None, lambda s: s.acknowledge),
    Action("start", "start", STAFF, None, lambda s: s.start_work),
    Action("assign", "assign", STAFF, AssignBody, lambda s: s.assign),
    Action("defer", "defer", STAFF, DeferBody, lambda s: s.defer),
    Action("record_work", "work", STAFF, WorkBody, lambda s: s.record_work),
    Action("resolve", "resolve", STAFF, ResolveBody, lambda s: s.resolve),
    Action("close", "close", STAFF, None, lambda s: s.close),
    Action("reopen", "reopen", REOPENERS, ReopenBody, lambda s: s.reopen),
    Action("rate", "rating", RATERS, RatingBody, lambda s: s.rate),
)


def route(service: TicketService, action: Action) -> Callable[..., Answer]:
    who, call = seen_by(service.tickets.get, *action.roles), action.call(service)
    if action.body is None:

        async def bare(seen: Annotated[TicketAccess, who], key: IdempotencyKey = None) -> TicketPublic:
            return await call(seen, key)

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
