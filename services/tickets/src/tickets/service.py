"""Use cases of the tickets service: one method per command, each one change through the runtime's
AggregateStore (per-ticket lock, retry on a concurrent write, state and events in one commit).

Every create and action may carry an `Idempotency-Key` (`parkops_runtime.request_keys`): the key, a
digest of the request and the first answer are kept with the ticket (or the park's SLA) for 24 hours;
the same key and request again answer that first answer, the key with another request is 409. An
opened ticket's id comes from its key within the caller's group, park, tenant and user, so a retry of
the open names the same ticket and never another caller's."""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore, Idempotency, keyed_id
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.consumer import Delivery
from parkops_runtime.ids import new_id
from parkops_runtime.request_keys import keyed
from pydantic import TypeAdapter

from tickets import schemas
from tickets.access import TenantAccess, TicketAccess
from tickets.domain.commands import (
    Assign,
    ConfigureSla,
    Defer,
    NewTicket,
    OpenTicket,
    Rate,
    RecordWork,
    Reopen,
    Resolve,
    Step,
)
from tickets.domain.dating import check_staff_rating, opened_at, step_at
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket
from tickets.schemas import TicketPublic

OnSaved = Callable[[Ticket], None]
R = TypeVar("R")
Change = Callable[[Ticket, datetime], None]


class Dated(Protocol):
    @property
    def at(self) -> datetime | None: ...


ADAPTERS: dict[type, TypeAdapter[object]] = {}


def adapter(kind: type) -> TypeAdapter[object]:
    """One per command type: building one costs ~1.5 ms (it was built on every request)."""
    if kind not in ADAPTERS:
        ADAPTERS[kind] = TypeAdapter(kind)
    return ADAPTERS[kind]


def terms(command: object) -> dict[str, object]:
    """What a command asked, as plain values (the digest of a keyed request); None asked nothing. An
    action not dated asks what it asked before actions took `at` (the same digest)."""
    plain = adapter(type(command)).dump_python(command, mode="json")
    if not isinstance(plain, dict):
        return {}
    if "at" in plain and plain["at"] is None:
        del plain["at"]
    return plain


def idempotency_of(
    key: str | None, operation: str, command: object, answer: type[R]
) -> Idempotency[R] | None:
    """`keyed`, digesting what the command asked only when a key came with it."""
    return None if key is None else keyed(key, operation, terms(command), answer)


class NamesTickets(Protocol):
    async def add(self, group_id: str, tenant_id: str, tickets: dict[str, datetime]) -> None: ...


@dataclass(frozen=True)
class Stored:
    """The stores a TicketService writes to."""

    tickets: AggregateStore[Ticket]
    slas: AggregateStore[ParkSla]
    tenant_lists: NamesTickets  # `tickets.tenant_lists`
    draw_ticket_id: Callable[[], str] = new_id  # the store's, which then knows the id is new


class TicketService:
    def __init__(
        self,
        stored: Stored,
        access: TenantAccess,
        on_saved: OnSaved,
        clock: Clock = utc_now,
        sla_cache: timedelta = timedelta(0),
    ) -> None:
        """`sla_cache`: a park with no SLA configured is taken to have none this long after the store said
        so (the store remembers configured ones as long: `TICKETS_SLA_CACHE_SECONDS`)."""
        self.tickets, self.slas, self.access = stored.tickets, stored.slas, access
        self._sla_cache = sla_cache
        self._unconfigured_until: dict[str, datetime] = {}
        self._sla_reads: dict[str, asyncio.Future[ParkSla | None]] = {}
        self.tenant_lists, self._draw_ticket_id = stored.tenant_lists, stored.draw_ticket_id
        self.on_saved, self.clock = on_saved, clock

    async def open_ticket(self, park: ParkAccess, asked: OpenTicket, key: str | None) -> TicketPublic:
        """OpenTicket: a tenant user of an onboarded tenant, or staff, asks for service."""
        now = self.clock()
        at = opened_at(asked.opened_at, now, park.is_tenant)
        tenant = await self.access.opener(park, asked, at.date())
        scope = (park.group_id, park.park_id, park.tenant_id or "", park.who.subject)
        ticket_id = self._draw_ticket_id() if key is None else keyed_id(key, *scope)
        sla = await self.sla(park.park_id, park.group_id)
        new = NewTicket(ticket_id, sla, asked, tenant, park.who.subject, at, now)
        idempotency = idempotency_of(key, "open", asked, TicketPublic)
        if tenant is not None:  # named in the tenant's list first: a stored ticket is always listed
            await self.tenant_lists.add(park.group_id, tenant, {ticket_id: at})
        return await self._write(ticket_id, idempotency, lambda _, __: None, lambda: Ticket.open(new))

    async def acknowledge(self, seen: TicketAccess, c: Step, key: str | None) -> TicketPublic:
        """AcknowledgeTicket: staff answered; the response target is met or missed at the effective time."""
        return await self._act(seen, key, "acknowledge", c, lambda t, at: t.acknowledge(at))

    async def start_work(self, seen: TicketAccess, c: Step, key: str | None) -> TicketPublic:
        return await self._act(seen, key, "start", c, lambda t, _: t.start_work())

    async def assign(self, seen: TicketAccess, c: Assign, key: str | None) -> TicketPublic:
        return await self._act(seen, key, "assign", c, lambda t, at: t.assign(c.team, c.technician, at))

    async def defer(self, seen: TicketAccess, c: Defer, key: str | None) -> TicketPublic:
        return await self._act(seen, key, "defer", c, lambda t, at: t.defer(c.until, c.reason, at))

    async def record_work(self, seen: TicketAccess, c: RecordWork, key: str | None) -> TicketPublic:
        labour, materials = list(c.labour), list(c.materials)
        return await self._act(seen, key, "work", c, lambda t, _: t.record_work(labour, materials))

    async def resolve(self, seen: TicketAccess, c: Resolve, key: str | None) -> TicketPublic:
        """ResolveTicket: work done (an open ticket only with `acknowledge`, as one recorded step)."""
        sla = await self.sla(seen.ticket.park_id, seen.ticket.group_id)
        if c.payer_id is not None:
            await self.access.check_payer(seen.park, c.payer_id)

        def resolve(t: Ticket, at: datetime) -> None:
            t.resolve(at, c.billable, sla.auto_close_at(at), c.acknowledge, c.payer_id)

        return await self._act(seen, key, "resolve", c, resolve)

    async def close(self, seen: TicketAccess, c: Step, key: str | None) -> TicketPublic:
        return await self._act(seen, key, "close", c, lambda t, at: t.close(at))

    async def reopen(self, seen: TicketAccess, c: Reopen, key: str | None) -> TicketPublic:
        """ReopenTicket: the tenant (or staff) says it is not fixed; counted on the ticket."""
        now = self.clock()
        return await self._act(seen, key, "reopen", c, lambda t, at: t.reopen(c.reason, at, max(at, now)))

    async def rate(self, seen: TicketAccess, c: Rate, key: str | None) -> TicketPublic:
        """RateTicket: the tenant's satisfaction after resolution, once; staff record the rating of an
        imported ticket given in the old system (dated)."""
        if not seen.park.is_tenant:
            check_staff_rating(c.at, seen.ticket.imported)
        return await self._act(seen, key, "rate", c, lambda t, at: t.rate(c.score, c.comment, at))

    async def configure_sla(self, park: ParkAccess, c: ConfigureSla, key: str | None) -> schemas.ParkSla:
        """ConfigureParkSla: overrides, calendar and auto-close delay of one park (for new tickets)."""
        settings = c.for_park(park.park_id, park.group_id)

        def configure(sla: ParkSla) -> schemas.ParkSla:
            sla.configure(settings)
            return schemas.ParkSla.of(sla)

        idempotency = idempotency_of(key, "configure SLA", c, schemas.ParkSla)
        self._unconfigured_until.pop(park.park_id, None)
        configured = await self.slas.change(
            park.park_id, configure, create=lambda: settings, idempotency=idempotency
        )
        self._sla_reads.pop(park.park_id, None)  # a read begun before: later openings read anew
        return configured

    async def sla(self, park_id: str, group_id: str, fresh: bool = False) -> ParkSla:
        """A park's SLA settings; the defaults until its group configures them. A copy: the store's own
        may be reconfigured in place while the caller still uses this one. Not `fresh`, a park found
        unconfigured within `sla_cache` is not asked again (two round trips of every opening)."""
        now = self.clock()
        if not fresh and self._unconfigured_until.get(park_id, now) > now:
            return ParkSla.default(park_id, group_id)
        sla = await self._stored_sla(park_id, fresh)
        if sla is None:
            self._unconfigured_until[park_id] = now + self._sla_cache
        else:
            self._unconfigured_until.pop(park_id, None)
        if sla is None or sla.group_id != group_id:
            return ParkSla.default(park_id, group_id)
        return sla.model_copy()

    async def _stored_sla(self, park_id: str, fresh: bool) -> ParkSla | None:
        """The park's stored SLA (a copy, as `sla`). Not `fresh`, openings that need it while it is being
        read share that read: each asked the store itself when the cache ran out, and under load hundreds
        were in flight at once (a sixth of an opening's CPU at 150/s, py-spy)."""

        async def read() -> ParkSla | None:
            stored = await self.slas.get(park_id)
            return stored.model_copy() if stored is not None else None  # before the store's next change

        if fresh:
            return await read()
        reading = self._sla_reads.get(park_id)
        if reading is None:
            reading = self._sla_reads[park_id] = asyncio.ensure_future(read())
            reading.add_done_callback(lambda done: self._read_done(park_id, done))
        return await asyncio.shield(reading)  # one caller cancelled does not cancel the others' read

    def _read_done(self, park_id: str, done: asyncio.Future[ParkSla | None]) -> None:
        if self._sla_reads.get(park_id) is done:
            del self._sla_reads[park_id]
        if not done.cancelled():
            done.exception()  # retrieved: when every caller was cancelled, nobody else will

    async def record_leasing_facts(self, deliveries: Sequence[Delivery]) -> None:
        """Leasing's tenants, leases and units: who may open tickets where, and for which unit."""
        await self.access.record(deliveries)

    async def _act(
        self, seen: TicketAccess, key: str | None, operation: str, command: Dated, change: Change
    ) -> TicketPublic:
        """An action on a ticket the caller sees (its park and tenant never change: the access holds),
        at its effective time: the command's `at` within its bounds (`tickets.domain.dating`), else now."""
        idempotency = idempotency_of(key, operation, command, TicketPublic)
        by_tenant = seen.park.is_tenant

        def dated(ticket: Ticket, now: datetime) -> None:
            at = step_at(command.at, now, by_tenant, ticket.latest_step)
            change(ticket, at)
            ticket.stepped_at = at
            ticket.watch(now)

        return await self._write(seen.ticket.ticket_id, idempotency, dated)

    async def _write(
        self,
        ticket_id: str,
        idempotency: Idempotency[TicketPublic] | None,
        change: Change,
        create: Callable[[], Ticket] | None = None,
    ) -> TicketPublic:
        """Apply `change` to the ticket (to `create()` when there is none yet) in one write, and keep
        this instance's due index in step with what was written."""
        changed: list[Ticket] = []

        def apply(ticket: Ticket) -> TicketPublic:
            now = self.clock()
            change(ticket, now)
            changed[:] = [ticket]
            return TicketPublic.of(ticket, now)

        answer = await self.tickets.change(ticket_id, apply, create=create, idempotency=idempotency)
        if changed:
            self.on_saved(changed[0])
        return answer
