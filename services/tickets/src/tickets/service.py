"""Use cases of the tickets service: load -> domain -> save (state and events in one write).

Requests may carry an idempotency key: an opened ticket's id is derived from it (a repeat finds the
ticket already there), and a change records its key in the ticket's own document (a repeat finds it
applied), so one key has one effect even under concurrent repeats."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parkops_runtime.auth import Principal
from parkops_runtime.errors import ConcurrencyConflict, Conflict, NotFound
from parkops_runtime.ids import new_id

from tickets.domain.access import require_staff, require_visible, tenant_of
from tickets.domain.catalog import parse_category, parse_priority
from tickets.domain.record import Location
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket
from tickets.handlers import TenantAccess
from tickets.repository import ParkSlaRepository, TicketRepository

Clock = Callable[[], datetime]
OnSaved = Callable[[Ticket], None]
KEYS = uuid.UUID("6f1c8d2e-7a43-4a43-9a4e-2f0b9c1d5e70")


def utc_now() -> datetime:
    return datetime.now(UTC)


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
        on_saved: OnSaved,
        clock: Clock = utc_now,
    ) -> None:
        self.tickets, self.slas, self.access = tickets, slas, access
        self.on_saved, self.clock = on_saved, clock

    async def open_ticket(self, who: Principal, park_id: str, draft: TicketDraft, key: str | None) -> Ticket:
        """OpenTicket: a tenant user of an onboarded tenant, or staff, asks for service."""
        category, priority = parse_category(draft.category), parse_priority(draft.priority)
        who.require_park(who.group_id, park_id)
        tenant, now = tenant_of(who), self.clock()
        if tenant is None:
            require_staff(who)
            tenant = draft.tenant_id
        if tenant is not None:
            await self.access.check_tenant_may_open(park_id, tenant, who.group_id, now.date())
        if draft.unit_id is not None:
            await self.access.check_unit(park_id, draft.unit_id, tenant)
        ticket_id = uuid.uuid5(KEYS, f"{who.group_id}|{who.subject}|{key}").hex if key else new_id()
        ticket = Ticket.open(
            ticket_id,
            await self.slas.get(park_id, who.group_id),
            tenant,
            category,
            priority,
            draft.title,
            who.subject,
            now,
            Location(building=draft.building, unit_id=draft.unit_id),
            draft.description,
            draft.attachments,
        )
        try:
            await self.tickets.add(ticket)
        except ConcurrencyConflict:
            return await self._replayed(who, ticket_id, key, ticket)
        self.on_saved(ticket)
        return ticket

    async def _replayed(self, who: Principal, ticket_id: str, key: str | None, asked: Ticket) -> Ticket:
        """The same key again: the first result, if it asked for the same ticket."""
        first = await self.ticket(who, ticket_id)
        if (first.category, first.priority, first.title) != (asked.category, asked.priority, asked.title):
            raise Conflict(f"idempotency key {key} was used for ticket {ticket_id} with another request")
        return first

    async def ticket(self, who: Principal, ticket_id: str) -> Ticket:
        ticket = await self.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} not found")
        require_visible(who, ticket)
        return ticket

    async def configure_sla(self, who: Principal, sla: ParkSla) -> ParkSla:
        """ConfigureParkSla: overrides, calendar and auto-close delay of one park (new tickets)."""
        require_staff(who)
        who.require_park(sla.group_id, sla.park_id)
        await self.slas.put(sla)
        return sla

    async def park_sla(self, who: Principal, park_id: str) -> ParkSla:
        who.require_park(who.group_id, park_id)
        return await self.slas.get(park_id, who.group_id)
