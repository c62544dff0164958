"""Read use cases: a ticket, a park's open tickets, a tenant's own tickets, response/resolution times,
the scorecard and a park's SLA settings; answered as response bodies.

FerretDB scans a collection per query whatever the filter, so each query is one filtered find and the
arithmetic happens in the domain's reporting rules."""

from datetime import datetime, timedelta

from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.access import ParkAccess, resolve_park
from parkops_runtime.auth import Principal, Role
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.directory import Directory

from tickets import schemas
from tickets.access import TicketAccess
from tickets.domain.reporting import open_by_age, scorecard, times_by_category
from tickets.domain.state import ACTIVE
from tickets.domain.ticket import Ticket
from tickets.repository import TicketDocuments
from tickets.schemas import OpenTicketPublic, TicketPublic
from tickets.service import TicketService
from tickets.tenant_lists import Backfill, TenantLists

DEFAULT_PERIOD = timedelta(days=30)


class TicketQueries:
    def __init__(
        self,
        documents: TicketDocuments,
        service: TicketService,
        directory: Directory,
        tenants: tuple[TenantLists, Backfill],
        clock: Clock = utc_now,
    ) -> None:
        self._documents, self._service, self._directory, self._clock = documents, service, directory, clock
        self._lists, self._backfill = tenants

    async def ticket(self, seen: TicketAccess) -> TicketPublic:
        """The ticket as stored now, presented before anything else runs (the store's memory of it may
        be changed in place by the next write: see `AggregateStore.get`)."""
        ticket = await self._service.tickets.require(seen.ticket.ticket_id)
        return TicketPublic.of(ticket, self._clock())

    async def _park(self, park: ParkAccess, **query: object) -> list[Ticket]:
        return await self._documents.find({"park_id": park.park_id, "group_id": park.group_id, **query})

    async def park_open(self, park: ParkAccess) -> list[OpenTicketPublic]:
        """A park's open (not yet resolved) tickets, oldest first."""
        active = [s.value for s in ACTIVE]
        now = self._clock()
        return [
            OpenTicketPublic.aged(t, now) for t in open_by_age(await self._park(park, state={"$in": active}))
        ]

    async def own(self, who: Principal) -> list[TicketPublic]:
        """A tenant user's enterprise's tickets in the parks it reaches now, newest first."""
        who.require_role(Role.TENANT_USER)
        found = await self._own(who.group_id, who.tenant_id)
        reached: dict[str, bool] = {}
        for park_id in {t.park_id for t in found}:
            reached[park_id] = await self._reaches(who, park_id)
        visible = sorted((t for t in found if reached[t.park_id]), key=lambda t: t.opened_at, reverse=True)
        now = self._clock()
        return [TicketPublic.of(t, now) for t in visible]

    async def _own(self, group_id: str, tenant_id: str | None) -> list[Ticket]:
        """From the tenant's list (reads its tickets by `_id`), or, until the lists name the tickets
        stored before them, from every ticket."""
        if tenant_id is not None and await self._backfill.complete():
            return await self._documents.by_ids(await self._lists.newest_first(group_id, tenant_id))
        return await self._documents.find({"tenant_id": tenant_id, "group_id": group_id})

    async def _reaches(self, who: Principal, park_id: str) -> bool:
        try:
            await resolve_park(self._directory, who, park_id)
        except NotFound:
            return False
        return True

    def period(self, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
        """A reporting period: the 30 days up to now unless said otherwise."""
        end = end or self._clock()
        start = start or end - DEFAULT_PERIOD
        if end <= start:
            raise Unprocessable("the period must end after it starts", field="to")
        return start, end

    async def times(
        self, park: ParkAccess, start: datetime | None, end: datetime | None
    ) -> list[schemas.CategoryTimes]:
        """Response and resolution times p50/p90 per category, of tickets resolved in the period."""
        start, end = self.period(start, end)
        tickets = await self._park(park, resolved_at={"$ne": None})
        resolved = (t for t in tickets if t.resolved_at and start <= t.resolved_at < end)
        return [schemas.CategoryTimes.of(times) for times in times_by_category(resolved)]

    async def scorecard(
        self, park: ParkAccess, start: datetime | None, end: datetime | None
    ) -> schemas.Scorecard:
        """SLA compliance of tickets resolved, and satisfaction of ratings given, in the period."""
        start, end = self.period(start, end)
        return schemas.Scorecard.of(scorecard(await self._park(park), start, end))

    async def sla(self, park: ParkAccess) -> schemas.ParkSla:
        return schemas.ParkSla.of(await self._service.sla(park.park_id, park.group_id, fresh=True))
