"""Use cases of the leasing service: load -> domain -> save (state and events in one write)."""

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_kernel.errors import Conflict, DomainError
from parkops_runtime.access import ParkAccess, park_not_found
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.ids import new_id

from leasing.domain.idempotency import keyed_park_id
from leasing.domain.park import EnterpriseProfile, Park, Tenant, Unit
from leasing.repository import ParkRepository

T = TypeVar("T")
MAX_ATTEMPTS = 20  # optimistic concurrency: the loser of a race reloads and tries again


class LeasingService:
    """Who may call what is decided before (`leasing.access`): a `ParkAccess` is a park in scope."""

    def __init__(self, parks: ParkRepository, clock: Clock = utc_now) -> None:
        self._parks = parks
        self._clock = clock
        self._writing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def now(self) -> datetime:
        return self._clock()

    async def register_park(
        self,
        group_id: str,
        name: str,
        park_type: ParkType,
        leading_industries: list[str],
        park_id: str | None,
        idempotency_key: str | None = None,
    ) -> Park:
        """RegisterPark: a group admin adds a park to its group.

        Park ids are one namespace for every group (each service knows a park by its id alone), so an id
        already registered, by this group or another, is refused with 409 "park id … is taken": the
        answer names only the id the caller chose, and the existing park is neither read out nor
        changed. The look-up first keeps a refused registration from even claiming a write. With an
        `Idempotency-Key` (and no `park_id`, the id derives from group and key) the group's retry finds
        the park its key registered and answers it."""
        if park_id is None:
            park_id = keyed_park_id(group_id, idempotency_key) if idempotency_key else new_id()
        registration = (group_id, name, park_type, leading_industries)
        existing = await self._parks.get(park_id, fresh=True)
        if existing is None:
            park = Park.register(park_id, *registration, self._clock(), idempotency_key)
            try:
                await self._parks.add(park)
                return park
            except ConcurrencyConflict:  # a concurrent registration of the id won
                existing = await self._landed(park_id) if idempotency_key else None
        if existing is not None and existing.registered_by(*registration, idempotency_key):
            return existing
        raise Conflict(f"park id {park_id} is taken")

    async def _landed(self, park_id: str) -> Park | None:
        """The park whose registration just won its id: another replica may not have copied it from its
        commit into the park's document yet (that takes milliseconds)."""
        for _ in range(50):
            if park := await self._parks.get(park_id, fresh=True):
                return park
            await asyncio.sleep(0.02)
        return None

    async def park(self, scope: ParkAccess, fresh: bool = False) -> Park:
        park = await self._parks.get(scope.park_id, fresh)
        if park is None:  # the directory found it: only a store that lost it gets here
            raise park_not_found(scope.park_id)
        return park

    async def parks(self, group_id: str) -> list[Park]:
        return await self._parks.list_for_group(group_id)

    async def list_unit(
        self,
        scope: ParkAccess,
        building: str,
        floor: int,
        unit_number: str,
        unit_type: UnitType,
        area_m2: Decimal,
        idempotency_key: str | None = None,
    ) -> Unit:
        """ListUnit: put a unit of lettable space on the market (UnitListed)."""
        unit_id = new_id()
        return await self.change(
            scope,
            lambda park: park.list_unit(
                unit_id, building, floor, unit_number, unit_type, area_m2, self._clock(), idempotency_key
            ),
        )

    async def onboard_tenant(
        self,
        scope: ParkAccess,
        profile: EnterpriseProfile,
        unit_ids: list[str],
        idempotency_key: str | None = None,
    ) -> Tenant:
        """OnboardTenant: an enterprise moves into available units (TenantOnboarded)."""
        tenant_id = new_id()
        return await self.change(
            scope,
            lambda park: park.onboard_tenant(tenant_id, profile, unit_ids, self._clock(), idempotency_key),
        )

    async def change(self, scope: ParkAccess, change: Callable[[Park], T]) -> T:
        """Load the park, apply `change`, save state and events in one write; retry when raced."""
        park_id = scope.park_id
        async with self._writing[park_id]:  # writers in this process queue; other replicas race
            for attempt in range(MAX_ATTEMPTS):
                if attempt > 1:  # jittered, growing backoff spreads out racers from other replicas
                    await asyncio.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
                park = await self.park(scope, fresh=attempt > 0)
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
