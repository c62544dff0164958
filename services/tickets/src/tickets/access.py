"""Who sees and touches which ticket, on top of the runtime's access layer.

A ticket is seen by whoever sees its park (`parkops_runtime.access`): staff and auditors of that park
see all its tickets, a tenant user only its own enterprise's. Anything else — a ticket of another park
or group, another tenant's ticket, a ticket under a park the directory does not know — answers exactly
as a ticket that does not exist. Only a caller that sees the ticket can learn that its role may not do
something to it (403).

Which tenants may open tickets where, and which units they name, comes from leasing's facts kept in
the inbox (`TenantAccess`). Consumers of one group split the partitions, so an instance may not have
consumed a fact another instance did: on a miss the directory is reloaded from the inbox (the shared,
durable record), at most once per `reload_every` seconds, so requests naming unknown tenants cannot
make it re-read the inbox each time."""

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Protocol

from fastapi import Depends, Path, Request
from parkops_kernel.bounds import is_id
from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess, park_roles, resolve_park
from parkops_runtime.auth import STAFF, CurrentPrincipal, Principal, Role
from parkops_runtime.consumer import Delivery
from parkops_runtime.directory import Directory
from parkops_runtime.inbox import Inbox, event_of

from tickets.domain.commands import OpenTicket
from tickets.domain.directory import Directory as Tenancy
from tickets.domain.payers import is_institution
from tickets.domain.ticket import Ticket

REOPENERS = (*STAFF, Role.TENANT_USER)
OPENERS = REOPENERS
"""Who opens a ticket: staff, or a tenant user for its own enterprise; an auditor 403 before the body."""
RATERS = REOPENERS
"""Who rates: its tenant user; staff only record an imported ticket's rating (`tickets.domain.dating`)."""

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


class ParkChanges(Protocol):
    """A count per park of the batches of leasing facts stored for it, by any replica."""

    async def bump(self, park_ids: Iterable[str]) -> None: ...

    async def of(self, park_id: str) -> int: ...

    async def all(self) -> dict[str, int]: ...


class TenantAccess:
    """The directory of tenants and units, kept current from the inbox.

    One consumer group feeds the replicas, so a leasing event reaches the memory of just one of them;
    its fact is in the inbox (the store) for all. The consumer then bumps the park's count of changes;
    before a ticket is opened for a park, a replica whose count for it is behind reads the park's facts
    from the inbox again: a termination or an onboarding consumed by another replica counts here too
    (one read by id per opening; the inbox is read again only when the park's facts changed)."""

    def __init__(
        self, inbox: Inbox, parks: Directory, changes: ParkChanges | None = None, reload_every: float = 1.0
    ) -> None:
        self.inbox, self.parks, self._changes = inbox, parks, changes
        self.directory = Tenancy()
        self._reload_every = reload_every
        self._reloaded_at = float("-inf")
        self._seen: dict[str, int] = {}  # park -> its count of changes when its facts were last read

    async def record(self, deliveries: Sequence[Delivery]) -> None:
        """A redelivered or republished event is already in the inbox and is skipped (its park's count
        is bumped all the same: a crash may have come between storing it and the bump)."""
        for delivery in await self.inbox.record(deliveries):
            self.directory.apply(delivery.event)
        if self._changes is not None:
            await self._changes.bump(d.event.park_id for d in deliveries)

    async def reload(self) -> None:
        self._reloaded_at = time.monotonic()
        seen = await self._changes.all() if self._changes is not None else {}
        directory = Tenancy()
        async for fact in self.inbox.collection.find({}).sort("time"):
            directory.apply(event_of(fact))
        self.directory, self._seen = directory, seen

    async def fresh(self, park_id: str) -> None:
        """Read the park's facts from the inbox again if another replica stored some since this one did."""
        if self._changes is None:
            return
        count = await self._changes.of(park_id)
        if self._seen.get(park_id) == count:
            return
        facts = [event_of(f) async for f in self.inbox.collection.find({"park_id": park_id}).sort("time")]
        self.directory.replace_park(park_id, facts)
        self._seen[park_id] = count

    async def opener(self, park: ParkAccess, asked: OpenTicket, on: date) -> str | None:
        """Whom a new ticket is for, once the tenant (a tenant of the park that may open tickets on
        `on`) and the unit it names (one of the park's, of the tenant's own for a tenant) are checked."""
        tenant = tenant_for_new_ticket(park, asked.tenant_id)
        if tenant is not None or asked.unit_id is not None:  # else no tenancy fact is consulted
            await self.fresh(park.park_id)
        if tenant is not None and not park.is_tenant:
            found = await self.parks.tenant(park.park_id, tenant)
            if found is None or found.group_id != park.group_id:
                message = f"tenant {tenant} is not a tenant of park {park.park_id}"
                raise Unprocessable(message, field="tenant_id")
        if tenant is not None:
            await self.check_tenant_may_open(park.park_id, tenant, park.group_id, on)
        if asked.unit_id is not None:
            await self.check_unit(park.park_id, asked.unit_id, tenant)
        return tenant

    async def check_payer(self, park: ParkAccess, payer_id: str) -> None:
        """A payer staff name: `institution:<id>` (a bank or fund), or a tenant of the park per the
        directory (else 422 naming `payer_id`, whether another group's tenant or none at all)."""
        if is_institution(payer_id):
            return
        found = await self.parks.tenant(park.park_id, payer_id)
        if found is None or found.group_id != park.group_id:
            message = f"payer {payer_id} is not a tenant of park {park.park_id} nor institution:<id>"
            raise Unprocessable(message, field="payer_id")

    async def check_tenant_may_open(self, park_id: str, tenant_id: str, group_id: str, on: date) -> None:
        try:
            self.directory.check_tenant_may_open(park_id, tenant_id, group_id, on)
        except NotFound:
            if not await self._reload_if_due():
                raise
            self.directory.check_tenant_may_open(park_id, tenant_id, group_id, on)

    async def check_unit(self, park_id: str, unit_id: str, tenant_id: str | None) -> None:
        try:
            self.directory.check_unit(park_id, unit_id, tenant_id)
        except Unprocessable:
            if not await self._reload_if_due():
                raise
            self.directory.check_unit(park_id, unit_id, tenant_id)

    async def _reload_if_due(self) -> bool:
        if time.monotonic() - self._reloaded_at < self._reload_every:
            return False
        await self.reload()
        return True


def seen_by(load: LoadTicket, *roles: Role) -> Any:
    """The dependency of the ticket of the path the caller sees (and, with roles, may change)."""
    return Depends(ticket_scope(load, *roles))
