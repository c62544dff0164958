"""Read use cases: a park's open tickets, a tenant's own tickets, response/resolution times, scorecard.

FerretDB scans a collection per query whatever the filter, so each query is one filtered find and the
arithmetic happens in the domain's reporting rules."""

from datetime import datetime

from parkops_runtime.auth import Principal, Role

from tickets.domain.access import STAFF, tenant_of
from tickets.domain.reporting import CategoryTimes, Scorecard, open_by_age, scorecard, times_by_category
from tickets.domain.state import ACTIVE
from tickets.domain.ticket import Ticket
from tickets.repository import TicketRepository

READERS = (*STAFF, Role.AUDITOR)


class TicketQueries:
    def __init__(self, tickets: TicketRepository) -> None:
        self._tickets = tickets

    async def _park(self, who: Principal, park_id: str, **query: object) -> list[Ticket]:
        who.require_role(*READERS)
        who.require_park(who.group_id, park_id)
        return await self._tickets.find({"park_id": park_id, "group_id": who.group_id, **query})

    async def park_open(self, who: Principal, park_id: str) -> list[Ticket]:
        """A park's open (not yet resolved) tickets, oldest first."""
        active = [s.value for s in ACTIVE]
        return open_by_age(await self._park(who, park_id, state={"$in": active}))

    async def own(self, who: Principal) -> list[Ticket]:
        """A tenant user's enterprise's tickets in the parks of its token, newest first."""
        tenant = tenant_of(who)
        if tenant is None:
            who.require_role(Role.TENANT_USER)
        found = await self._tickets.find({"tenant_id": tenant, "group_id": who.group_id})
        visible = [t for t in found if who.sees_park(t.group_id, t.park_id)]
        return sorted(visible, key=lambda t: t.opened_at, reverse=True)

    async def times(
        self, who: Principal, park_id: str, start: datetime, end: datetime
    ) -> list[CategoryTimes]:
        """Response and resolution times p50/p90 per category, of tickets resolved in the period."""
        tickets = await self._park(who, park_id, resolved_at={"$ne": None})
        return times_by_category(t for t in tickets if t.resolved_at and start <= t.resolved_at < end)

    async def scorecard(self, who: Principal, park_id: str, start: datetime, end: datetime) -> Scorecard:
        """SLA compliance of tickets resolved, and satisfaction of ratings given, in the period."""
        return scorecard(await self._park(who, park_id), start, end)
