"""Use cases that change a ticket: each starts from the ticket the caller was found to see (and, where
it matters, to be allowed to change: see `tickets.access`), applies the domain method and saves state
and events in one write; a concurrent change makes it reload and try again."""

from collections.abc import Callable
from datetime import datetime

from parkops_kernel.errors import Conflict
from parkops_runtime.errors import ConcurrencyConflict

from tickets.access import TicketAccess
from tickets.domain.ticket import Ticket
from tickets.domain.work import Labour, Material
from tickets.service import TicketService

MAX_ATTEMPTS = 20
KEPT_KEYS = 100
Change = Callable[[Ticket, datetime], None]


class TicketCommands:
    def __init__(self, service: TicketService) -> None:
        self._service = service

    async def _change(self, seen: TicketAccess, key: str | None, change: Change) -> Ticket:
        ticket = seen.ticket
        for attempt in range(MAX_ATTEMPTS):
            if attempt > 0:  # a ticket never changes park or tenant: the access found still holds
                ticket = await self._service.reload(ticket.ticket_id)
            if key is not None and key in ticket.applied_requests:
                return ticket  # the same request again: already applied once
            change(ticket, self._service.clock())
            if key is not None:
                ticket.applied_requests = [*ticket.applied_requests, key][-KEPT_KEYS:]
            try:
                await self._service.tickets.save(ticket)
            except ConcurrencyConflict:
                continue
            self._service.on_saved(ticket)
            return ticket
        raise Conflict(f"ticket {ticket.ticket_id} is changing too fast; try again")

    async def acknowledge(self, seen: TicketAccess, key: str | None) -> Ticket:
        """AcknowledgeTicket: staff answered; the response target is met or missed now."""
        return await self._change(seen, key, lambda t, now: t.acknowledge(now))

    async def start_work(self, seen: TicketAccess, key: str | None) -> Ticket:
        return await self._change(seen, key, lambda t, _: t.start_work())

    async def assign(self, seen: TicketAccess, team: str, technician: str | None, key: str | None) -> Ticket:
        return await self._change(seen, key, lambda t, now: t.assign(team, technician, now))

    async def defer(self, seen: TicketAccess, until: datetime, reason: str, key: str | None) -> Ticket:
        return await self._change(seen, key, lambda t, now: t.defer(until, reason, now))

    async def record_work(
        self, seen: TicketAccess, labour: list[Labour], materials: list[Material], key: str | None
    ) -> Ticket:
        return await self._change(seen, key, lambda t, _: t.record_work(labour, materials))

    async def resolve(self, seen: TicketAccess, billable: bool, acknowledge: bool, key: str | None) -> Ticket:
        """ResolveTicket: work done (an open ticket only with `acknowledge`, as one recorded step)."""
        sla = await self._service.slas.get(seen.ticket.park_id, seen.ticket.group_id)
        return await self._change(
            seen, key, lambda t, now: t.resolve(now, billable, sla.auto_close_at(now), acknowledge)
        )

    async def close(self, seen: TicketAccess, key: str | None) -> Ticket:
        return await self._change(seen, key, lambda t, now: t.close(now))

    async def reopen(self, seen: TicketAccess, reason: str, key: str | None) -> Ticket:
        """ReopenTicket: the tenant (or staff) says it is not fixed; counted on the ticket."""
        return await self._change(seen, key, lambda t, now: t.reopen(reason, now))

    async def rate(self, seen: TicketAccess, score: int, comment: str, key: str | None) -> Ticket:
        """RateTicket: the tenant's satisfaction after resolution, once."""
        return await self._change(seen, key, lambda t, now: t.rate(score, comment, now))
