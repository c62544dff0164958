"""Use cases that change a ticket: each loads it, checks who may act, applies the domain method and
saves state and events in one write; a concurrent change makes it reload and try again."""

from collections.abc import Callable
from datetime import datetime

from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import ConcurrencyConflict, Conflict

from tickets.domain.access import require_staff, tenant_of
from tickets.domain.ticket import Ticket
from tickets.domain.work import Labour, Material
from tickets.service import TicketService

MAX_ATTEMPTS = 20
KEPT_KEYS = 100


class TicketCommands:
    def __init__(self, service: TicketService) -> None:
        self._service = service

    async def _change(
        self, who: Principal, ticket_id: str, key: str | None, change: Callable[[Ticket, datetime], None]
    ) -> Ticket:
        for _ in range(MAX_ATTEMPTS):
            ticket = await self._service.ticket(who, ticket_id)
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
        raise Conflict(f"ticket {ticket_id} is changing too fast; try again")

    async def _staff(
        self, who: Principal, ticket_id: str, key: str | None, change: Callable[[Ticket, datetime], None]
    ) -> Ticket:
        require_staff(who)
        return await self._change(who, ticket_id, key, change)

    async def acknowledge(self, who: Principal, ticket_id: str, key: str | None) -> Ticket:
        """AcknowledgeTicket: staff answered; the response target is met or missed now."""
        return await self._staff(who, ticket_id, key, lambda t, now: t.acknowledge(now))

    async def start_work(self, who: Principal, ticket_id: str, key: str | None) -> Ticket:
        return await self._staff(who, ticket_id, key, lambda t, _: t.start_work())

    async def assign(
        self, who: Principal, ticket_id: str, team: str, technician: str | None, key: str | None
    ) -> Ticket:
        return await self._staff(who, ticket_id, key, lambda t, now: t.assign(team, technician, now))

    async def defer(
        self, who: Principal, ticket_id: str, until: datetime, reason: str, key: str | None
    ) -> Ticket:
        return await self._staff(who, ticket_id, key, lambda t, now: t.defer(until, reason, now))

    async def record_work(
        self, who: Principal, ticket_id: str, labour: list[Labour], materials: list[Material], key: str | None
    ) -> Ticket:
        return await self._staff(who, ticket_id, key, lambda t, _: t.record_work(labour, materials))

    async def resolve(
        self, who: Principal, ticket_id: str, billable: bool, acknowledge: bool, key: str | None
    ) -> Ticket:
        """ResolveTicket: work done (an open ticket only with `acknowledge`, as one recorded step)."""

        current = await self._service.ticket(who, ticket_id)
        sla = await self._service.slas.get(current.park_id, current.group_id)
        return await self._staff(
            who, ticket_id, key, lambda t, now: t.resolve(now, billable, sla.auto_close_at(now), acknowledge)
        )

    async def close(self, who: Principal, ticket_id: str, key: str | None) -> Ticket:
        return await self._staff(who, ticket_id, key, lambda t, now: t.close(now))

    async def reopen(self, who: Principal, ticket_id: str, reason: str, key: str | None) -> Ticket:
        """ReopenTicket: the tenant (or staff) says it is not fixed; counted on the ticket."""
        if who.role is Role.AUDITOR:
            require_staff(who)
        return await self._change(who, ticket_id, key, lambda t, now: t.reopen(reason, now))

    async def rate(self, who: Principal, ticket_id: str, score: int, comment: str, key: str | None) -> Ticket:
        """RateTicket: the tenant's satisfaction after resolution, once."""
        if tenant_of(who) is None:
            who.require_role(Role.TENANT_USER)
        return await self._change(who, ticket_id, key, lambda t, now: t.rate(score, comment, now))
