"""leasing's park and tenant directory, read from its own parks: leasing is the system of record.

A park belongs to the group that registered it here; a tenant is a tenant of the park that onboarded it.
Neither ever changes or goes away, so an entry found once is kept (bounded) and a miss asks the park
repository, whose reads may lag another replica's write by its `fresh_for` seconds."""

from datetime import UTC, datetime
from typing import TypeVar

from parkops_kernel.bounds import is_id
from parkops_runtime.directory import MAX_CACHED, ParkEntry, TenantEntry

from leasing.repository import ParkRepository

UNKNOWN_REGISTRATION = datetime(1900, 1, 1, tzinfo=UTC)  # parks stored before the time was kept
K = TypeVar("K")
E = TypeVar("E", ParkEntry, TenantEntry)


class ParkDirectory:
    def __init__(self, parks: ParkRepository) -> None:
        self._parks = parks
        self._known_parks: dict[str, ParkEntry] = {}
        self._known_tenants: dict[tuple[str, str], TenantEntry] = {}

    async def park(self, park_id: str) -> ParkEntry | None:
        if not is_id(park_id):
            return None
        found = self._known_parks.get(park_id)
        if found is None:
            park = await self._parks.get(park_id)
            if park is None:
                return None
            registered_at = park.registered_at or UNKNOWN_REGISTRATION
            found = ParkEntry(park.park_id, park.group_id, park.name, registered_at)
            _remember(self._known_parks, park_id, found)
        return found

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        if not (is_id(park_id) and is_id(tenant_id)):
            return None
        found = self._known_tenants.get((park_id, tenant_id))
        if found is None:
            park = await self._parks.get(park_id)
            tenant = park.tenants.get(tenant_id) if park else None
            if park is None or tenant is None:
                return None
            found = TenantEntry(park_id, tenant_id, park.group_id, tenant.name)
            _remember(self._known_tenants, (park_id, tenant_id), found)
        return found


def _remember(cache: dict[K, E], key: K, entry: E) -> None:
    if len(cache) >= MAX_CACHED:
        cache.clear()
    cache[key] = entry
