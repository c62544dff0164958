"""Read use cases: a park's open tickets, a tenant's own tickets, response/resolution times, scorecard.

FerretDB scans a collection per query whatever the filter, so each query is one filtered find and the
arithmetic happens in the domain's reporting rules."""

from datetime import datetime

from parkops_kernel.errors import NotFound
from parkops_runtime.access import ParkAccess, resolve_park
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import Directory

from tickets.domain.reporting import CategoryTimes, Scorecard, open_by_age, scorecard, times_by_category
from tickets.domain.state import ACTIVE
from tickets.domain.ticket import Ticket
from tickets.repository import TicketRepository


class TicketQueries:
    def __init__(self, tickets: TicketRepository, directory: Directory) -> None:
        self._tickets = tickets
        self._directory = directory

    async def _park(self, park: ParkAccess, **query: object) -> list[Ticket]:
        return await self._tickets.find({"park_id": park.park_id, "group_id": park.group_id, **query})

    async def park_open(self, park: ParkAccess) -> list[Ticket]:
        """A park's open (not yet resolved) tickets, oldest first."""
        active = [s.value for s in ACTIVE]
        return open_by_age(await self._park(park, state={"$in": active}))

    async def own(self, who: Principal) -> list[Ticket]:
        """A tenant user's enterprise's tickets in the parks it reaches now, newest first."""
        who.require_role(Role.TENANT_USER)
        found = await self._tickets.find({"tenant_id": who.tenant_id, "group_id": who.group_id})
        reached: dict[str, bool] = {}
        for park_id in {t.park_id for t in found}:
            reached[park_id] = await self._reaches(who, park_id)
        visible = [t for t in found if reached[t.park_id]]
        return sorted(visible, key=lambda t: t.opened_at, reverse=True)

    async def _reaches(self, who: Principal, park_id: str) -> bool:
        try:
            await resolve_park(self._directory, who, park_id)
        except NotFound:
            return False
        return True

    async def times(self, park: ParkAccess, start: datetime, end: datetime) -> list[CategoryTimes]:
        """Response and resolution times p50/p90 per category, of tickets resolved in the period."""
        tickets = await self._park(park, resolved_at={"$ne": None})
        return times_by_category(t for t in tickets if t.resolved_at and start <= t.resolved_at < end)

    async def scorecard(self, park: ParkAccess, start: datetime, end: datetime) -> Scorecard:
        """SLA compliance of tickets resolved, and satisfaction of ratings given, in the period."""
        return scorecard(await self._park(park), start, end)
