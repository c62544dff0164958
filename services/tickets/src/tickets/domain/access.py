"""Who sees and touches which ticket: a tenant user only its own enterprise's tickets, staff only
their parks' tickets; everything else answers 404 as if it did not exist."""

from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import Forbidden, NotFound

from tickets.domain.record import TicketRecord

STAFF = (Role.GROUP_ADMIN, Role.PARK_OPERATOR)


def tenant_of(who: Principal) -> str | None:
    """The enterprise a tenant user acts for (None for staff); a tenant token must name one."""
    if who.role is not Role.TENANT_USER:
        return None
    if not who.tenant_id:
        raise Forbidden("a tenant user's token must name its tenant")
    return who.tenant_id


def require_visible(who: Principal, ticket: TicketRecord) -> None:
    who.require_park(ticket.group_id, ticket.park_id, what="ticket")
    tenant = tenant_of(who)
    if tenant is not None and ticket.tenant_id != tenant:
        raise NotFound(f"ticket {ticket.ticket_id} not found")


def require_staff(who: Principal) -> None:
    who.require_role(*STAFF)
