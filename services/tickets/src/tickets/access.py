"""Who sees and touches which ticket, on top of the runtime's access layer.

A ticket is seen by whoever sees its park (`parkops_runtime.access`): staff and auditors of that park
see all its tickets, a tenant user only its own enterprise's. Anything else — a ticket of another park
or group, another tenant's ticket, a ticket under a park the directory does not know — answers exactly
as a ticket that does not exist. Only a caller that sees the ticket can learn that its role may not do
something to it (403)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from parkops_kernel.bounds import is_id
from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess, park_roles, resolve_park
from parkops_runtime.auth import STAFF, CurrentPrincipal, Principal, Role
from parkops_runtime.directory import Directory

from tickets.domain.ticket import Ticket

REOPENERS = (*STAFF, Role.TENANT_USER)
OPENERS = REOPENERS
"""Who opens a ticket: staff, or a tenant user for its own enterprise; an auditor 403 before the body."""
RATERS = (Role.TENANT_USER,)

LoadTicket = Callable[[str], Awaitable[Ticket | None]]
OpenerScope = Annotated[ParkAccess, Depends(park_roles(*OPENERS))]


def ticket_not_found(ticket_id: str) -> NotFound:
    return NotFound(f"ticket {ticket_id} not found")


async def ticket_park(directory: Directory, who: Principal, ticket: Ticket) -> ParkAccess:
    """The caller's access to the ticket's park, or the same 404 as for a ticket that does not exist."""
    try:
        park = await resolve_park(directory, who, ticket.park_id)
    except NotFound:
        raise ticket_not_found(ticket.ticket_id) from None
    if park.group_id != ticket.group_id or not park.sees_tenant(ticket.tenant_id):
        raise ticket_not_found(ticket.ticket_id)
    return park


@dataclass(frozen=True)
class TicketAccess:
    """A ticket the caller sees, and its access to the ticket's park."""

    park: ParkAccess
    ticket: Ticket


TicketScopeDependency = Callable[[Request, Principal, str], Awaitable[TicketAccess]]


def ticket_scope(load: LoadTicket, *roles: Role) -> TicketScopeDependency:
    """A dependency for `/tickets/{ticket_id}` routes: the ticket in scope (else 404), then, if `roles`
    are given, the caller's role among them (else 403)."""

    async def seen(
        request: Request, who: CurrentPrincipal, ticket_id: Annotated[str, Path(max_length=200)]
    ) -> TicketAccess:
        ticket = await load(ticket_id) if is_id(ticket_id) else None
        if ticket is None:
            raise ticket_not_found(ticket_id)
        park = await ticket_park(request.app.state.directory, who, ticket)
        if roles:
            park.require(*roles)
        return TicketAccess(park, ticket)

    return seen


def tenant_for_new_ticket(park: ParkAccess, named: str | None) -> str | None:
    """Whom a new ticket is for: a tenant user's own enterprise; staff name a tenant or none. A tenant
    user naming another enterprise is refused without saying whether it exists."""
    if park.is_tenant:
        if named is not None and named != park.tenant_id:
            raise Unprocessable("a tenant user opens tickets for its own tenant only", field="tenant_id")
        return park.tenant_id
    return named
