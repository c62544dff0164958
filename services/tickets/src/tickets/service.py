"""Use cases of the tickets service: load -> domain -> save (state and events in one write).

Requests may carry an idempotency key: an opened ticket's id is derived from it (a repeat finds the
ticket already there), and a change records its key in the ticket's own document (a repeat finds it
applied), so one key has one effect even under concurrent repeats."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from parkops_kernel.errors import Conflict, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.directory import Directory
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.ids import new_id

from tickets.access import tenant_for_new_ticket, ticket_not_found
from tickets.domain.catalog import parse_category, parse_priority
from tickets.domain.record import Location
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket
from tickets.repository import ParkSlaRepository, TicketRepository
from tickets.tenancy import TenantAccess

OnSaved = Callable[[Ticket], None]
KEYS = uuid.UUID("6f1c8d2e-7a43-4a43-9a4e-2f0b9c1d5e70")


@dataclass(frozen=True)
class TicketDraft:
    category: str
    priority: str
    title: str
    description: str = ""
    building: str | None = None
    unit_id: str | None = None
    attachments: list[str] = field(default_factory=list)
    tenant_id: str | None = None  # staff opening a ticket on behalf of a tenant


class TicketService:
    def __init__(
        self,
        tickets: TicketRepository,
        slas: ParkSlaRepository,
        access: TenantAccess,
        directory: Directory,
        on_saved: OnSaved,
        clock: Clock = utc_now,
    ) -> None:
        self.tickets, self.slas, self.access, self.directory = tickets, slas, access, directory
        self.on_saved, self.clock = on_saved, clock

    async def open_ticket(self, park: ParkAccess, draft: TicketDraft, key: str | None) -> Ticket:
        """OpenTicket: a tenant user of an onboarded tenant, or staff, asks for service."""
        category, priority = parse_category(draft.category), parse_priority(draft.priority)
        tenant, now = tenant_for_new_ticket(park, draft.tenant_id), self.clock()
        if tenant is not None and not park.is_tenant:
            await self._check_named_tenant(park, tenant)
        if tenant is not None:
            await self.access.check_tenant_may_open(park.park_id, tenant, park.group_id, now.date())
        if draft.unit_id is not None:
            await self.access.check_unit(park.park_id, draft.unit_id, tenant)
        ticket_id = self._ticket_id(park, key)
        ticket = Ticket.open(
            ticket_id,
            await self.slas.get(park.park_id, park.group_id),
            tenant,
            category,
            priority,
            draft.title,
            park.who.subject,
            now,
            Location(building=draft.building, unit_id=draft.unit_id),
            draft.description,
            draft.attachments,
        )
        try:
            await self.tickets.add(ticket)
        except ConcurrencyConflict:
            return await self._replayed(ticket_id, key, ticket)
        self.on_saved(ticket)
        return ticket

    async def _check_named_tenant(self, park: ParkAccess, tenant_id: str) -> None:
        found = await self.directory.tenant(park.park_id, tenant_id)
        if found is None or found.group_id != park.group_id:
            message = f"tenant {tenant_id} is not a tenant of park {park.park_id}"
            raise Unprocessable(message, field="tenant_id")

    @staticmethod
    def _ticket_id(park: ParkAccess, key: str | None) -> str:
        """A keyed request's ticket id is the key's within its caller, park and tenant: never another's."""
        if key is None:
            return new_id()
        owner = f"{park.group_id}|{park.park_id}|{park.tenant_id}|{park.who.subject}|{key}"
        return uuid.uuid5(KEYS, owner).hex

    async def _replayed(self, ticket_id: str, key: str | None, asked: Ticket) -> Ticket:
        """The same key again: the first result, if it asked for the same ticket."""
        first = await self.tickets.get(ticket_id)
        if first is None:
            raise Conflict(f"ticket {ticket_id} is being written; try again")
        fields = ("park_id", "group_id", "tenant_id", "category", "priority", "title")
        if any(getattr(first, f) != getattr(asked, f) for f in fields):
            raise Conflict(f"idempotency key {key} was used for ticket {ticket_id} with another request")
        return first

    async def reload(self, ticket_id: str) -> Ticket:
        """A ticket already found in scope, read again (after a concurrent change)."""
        ticket = await self.tickets.get(ticket_id)
        if ticket is None:
            raise ticket_not_found(ticket_id)
        return ticket

    async def configure_sla(self, sla: ParkSla) -> ParkSla:
        """ConfigureParkSla: overrides, calendar and auto-close delay of one park (new tickets)."""
        await self.slas.put(sla)
        return sla

    async def park_sla(self, park: ParkAccess) -> ParkSla:
        return await self.slas.get(park.park_id, park.group_id)
