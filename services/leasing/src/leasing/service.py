"""Use cases of the leasing service: load -> domain -> save (state and events in one write)."""

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import ConcurrencyConflict, Conflict, DomainError, NotFound
from parkops_runtime.ids import new_id

from leasing.domain.park import EnterpriseProfile, Park, Tenant, Unit
from leasing.repository import ParkRepository

T = TypeVar("T")
Clock = Callable[[], datetime]
WRITERS = (Role.GROUP_ADMIN, Role.PARK_OPERATOR)
MAX_ATTEMPTS = 20  # optimistic concurrency: the loser of a race reloads and tries again


def utc_now() -> datetime:
    return datetime.now(UTC)


class LeasingService:
    def __init__(self, parks: ParkRepository, clock: Clock = utc_now) -> None:
        self._parks = parks
        self._clock = clock
        self._writing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def now(self) -> datetime:
        return self._clock()

    async def register_park(
        self,
        who: Principal,
        name: str,
        park_type: ParkType,
        leading_industries: list[str],
        park_id: str | None,
    ) -> Park:
        """RegisterPark: a group admin adds a park to its own group."""
        who.require_role(Role.GROUP_ADMIN)
        park = Park.register(
            park_id or new_id(), who.group_id, name, park_type, leading_industries, self._clock()
        )
        try:
            await self._parks.add(park)
        except ConcurrencyConflict:
            raise Conflict(f"park id {park.park_id} is taken") from None
        return park

    async def park(self, who: Principal, park_id: str, fresh: bool = False) -> Park:
        park = await self._parks.get(park_id, fresh)
        if park is None:
            raise NotFound(f"park {park_id} not found")
        who.require_park(park.group_id, park.park_id)
        return park

    async def parks(self, who: Principal) -> list[Park]:
        return [
            p for p in await self._parks.list_for_group(who.group_id) if who.sees_park(p.group_id, p.park_id)
        ]

    async def list_unit(
        self,
        who: Principal,
        park_id: str,
        building: str,
        floor: int,
        unit_number: str,
        unit_type: UnitType,
        area_m2: Decimal,
    ) -> Unit:
        """ListUnit: put a unit of lettable space on the market."""
        unit_id = new_id()
        return await self.change(
            who,
            park_id,
            lambda park: park.list_unit(
                unit_id, building, floor, unit_number, unit_type, area_m2, self._clock()
            ),
        )

    async def onboard_tenant(
        self, who: Principal, park_id: str, profile: EnterpriseProfile, unit_ids: list[str]
    ) -> Tenant:
        """OnboardTenant: an enterprise moves into available units (TenantOnboarded)."""
        tenant_id = new_id()
        return await self.change(
            who, park_id, lambda park: park.onboard_tenant(tenant_id, profile, unit_ids, self._clock())
        )

    async def change(
        self,
        who: Principal,
        park_id: str,
        change: Callable[[Park], T],
        roles: tuple[Role, ...] = WRITERS,
    ) -> T:
        """Load the park, apply `change`, save state and events in one write; retry when raced."""
        who.require_role(*roles)
        async with self._writing[park_id]:  # writers in this process queue; other replicas race
            for attempt in range(MAX_ATTEMPTS):
                if attempt > 1:  # jittered, growing backoff spreads out racers from other replicas
                    await asyncio.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
                park = await self.park(who, park_id, fresh=attempt > 0)
                try:
                    result = change(park)
                except DomainError:
                    if attempt == 0:  # the first try may start from a replica's memory: confirm
                        continue
                    raise
                try:
                    await self._parks.save(park)
                    return result
                except ConcurrencyConflict:
                    continue
        raise Conflict(f"park {park_id} is changing too fast; try again")
