"""Reads of leasing, never a write: what each caller sees of its parks (`leasing.access`), as HTTP
answers; and leasing's park and tenant directory, read from its own parks (leasing is the system of
record of both).

A park belongs to the group that registered it here; a tenant is a tenant of the park that onboarded it.
Neither ever changes or goes away, so the directory keeps an entry found once (bounded), and a miss reads
the park, which may lag another replica's write by the store's `fresh_for` seconds."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from parkops_kernel.bounds import is_id
from parkops_kernel.errors import Unprocessable
from parkops_runtime.access import ParkAccess, park_not_found
from parkops_runtime.auth import Principal
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.directory import MAX_CACHED, ParkEntry, TenantEntry

from leasing import access
from leasing.domain import queries
from leasing.domain.availability_chart import availability_chart
from leasing.domain.commands import QuoteLease
from leasing.domain.lease import Lease
from leasing.domain.park import Park
from leasing.domain.quoting import quote_for
from leasing.domain.tenants import Tenant
from leasing.park_parts import ParkParts
from leasing.repository import ParkRepository, ParkStore
from leasing.schemas.leases import Commitment, LeasePublic, PricingPolicy, Quote
from leasing.schemas.reports import Occupancy, RentRollLine, UnitAvailability, Vacancy
from leasing.schemas.space import ParkPublic, TenantPublic, UnitPublic

UNKNOWN_REGISTRATION = datetime(1900, 1, 1, tzinfo=UTC)  # parks stored before the time was kept
MAX_VACANCY_WINDOW = timedelta(days=366 * 10)
K = TypeVar("K")
E = TypeVar("E", ParkEntry, TenantEntry)


class LeasingQueries:
    def __init__(self, parks: ParkRepository, parts: ParkParts, clock: Clock = utc_now) -> None:
        self._parks = parks
        self._parts = parts
        self._clock = clock

    def today(self) -> date:
        return self._clock().date()

    async def parks(self, who: Principal) -> list[ParkPublic]:
        parks = access.parks_seen(who, await self._parks.of_group(who.group_id))
        return [_park(who, park) for park in parks]

    async def park(self, scope: ParkAccess) -> ParkPublic:
        return _park(scope.who, await self._header(scope))

    async def units(self, scope: ParkAccess, on: date | None) -> list[UnitPublic]:
        """Each unit's status and occupant on `on` (default today), from the leases."""
        park, day = await self._park(scope), on or self.today()
        return [
            UnitPublic.of(
                unit,
                park_id=scope.park_id,
                status=queries.unit_status(park, unit, day),
                tenant_id=access.occupant_seen(scope, queries.occupant(park, unit.unit_id, day)),
            )
            for unit in park.units.values()
        ]

    async def tenants(self, scope: ParkAccess) -> list[TenantPublic]:
        park = await self._header(scope)
        return [_tenant(scope, t) for t in access.tenants_seen(scope, park)]

    async def tenant(self, scope: ParkAccess, tenant_id: str) -> TenantPublic:
        return _tenant(scope, access.tenant_seen(scope, await self._header(scope), tenant_id))

    async def leases(self, scope: ParkAccess) -> list[LeasePublic]:
        return _leases(scope, (await self._park(scope)).leases.values())

    async def lease(self, scope: ParkAccess, lease_id: str) -> LeasePublic:
        park = await self._header(scope)
        seen = park.with_leases({lease_id: await self._parts.lease(park, lease_id)})
        return _leases(scope, [access.lease_seen(scope, seen, lease_id)])[0]

    async def pricing_policy(self, scope: ParkAccess) -> PricingPolicy:
        return PricingPolicy.of((await self._header(scope)).pricing_policy)

    async def commitments(self, scope: ParkAccess) -> list[Commitment]:
        return [Commitment.of(c) for c in (await self._header(scope)).commitments.values()]

    async def quote(self, scope: ParkAccess, terms: QuoteLease) -> Quote:
        """QuoteLease: the explained rent schedule the park would sign today. Changes nothing."""
        access.act_for_tenant(scope, terms.tenant_id)
        return Quote.of(quote_for(await self._header(scope), terms))  # no lease is read

    async def rent_roll(self, scope: ParkAccess, on: date | None) -> list[RentRollLine]:
        lines = queries.rent_roll(await self._park(scope), on or self.today())
        return [RentRollLine.of(line) for line in lines]

    async def occupancy(self, scope: ParkAccess, on: date | None) -> Occupancy:
        return Occupancy.of(queries.occupancy(await self._park(scope), on or self.today()))

    async def expiring_leases(
        self, scope: ParkAccess, on: date | None, within_days: int
    ) -> list[LeasePublic]:
        return _leases(scope, queries.expiring(await self._park(scope), on or self.today(), within_days))

    async def vacancy(
        self, scope: ParkAccess, first: date | None, last: date | None, on: date | None
    ) -> list[Vacancy]:
        """Vacant days per unit from `first` to `last`; `on` is the window's end by another name (the
        as-of date every report takes), so both given must agree."""
        last = _as_of(on, last, "to") or self.today()
        first = first or last - timedelta(days=364)
        if first > last:
            raise Unprocessable("from: must not be after to", field="from", location="query")
        if last - first > MAX_VACANCY_WINDOW:
            raise Unprocessable("from: the window spans at most ten years", field="from", location="query")
        return [Vacancy.of(v) for v in queries.vacancy_days(await self._park(scope), first, last)]

    async def availability(
        self, scope: ParkAccess, first: date | None, months: int, on: date | None
    ) -> list[UnitAvailability]:
        """The public listing by month from the month of `on` (or `from`; default today): which units
        are let, never by whom."""
        first = _as_of(on, first, "from") or self.today()
        chart = availability_chart(await self._park(scope), first, months)
        return [UnitAvailability.of(unit) for unit in chart]

    async def _park(self, scope: ParkAccess) -> Park:
        """The park seen with all its leases: for the reads that are park-wide by nature."""
        return await self._parts.with_leases(await self._header(scope))

    async def _header(self, scope: ParkAccess) -> Park:
        """The park without its leases (`leasing.park_parts`), from memory while it is stored so."""
        park = await self._parts.park(scope.park_id)
        if park is None:  # the directory found it: only a store that lost it gets here
            raise park_not_found(scope.park_id)
        return park


def _park(who: Principal, park: Park) -> ParkPublic:
    return ParkPublic.of(park, unit_count=len(park.units), tenant_count=access.tenant_count_seen(who, park))


def _as_of(on: date | None, other: date | None, name: str) -> date | None:
    """`on` and the parameter it names otherwise: one of them, or both equal (422 naming `on`)."""
    if on is not None and other is not None and on != other:
        raise Unprocessable(
            f"on: {on} differs from {name} ({other}); give one of them", field="on", location="query"
        )
    return on or other


def _tenant(scope: ParkAccess, tenant: Tenant) -> TenantPublic:
    return TenantPublic.of(tenant, park_id=scope.park_id, onboarded_on=tenant.onboarding_day)


def _leases(scope: ParkAccess, leases: Iterable[Lease]) -> list[LeasePublic]:
    return [
        LeasePublic.of(x, park_id=scope.park_id, total_rent=x.total_rent, schedule=x.schedule())
        for x in access.leases_seen(scope, leases)
    ]


class ParkDirectory:
    """The runtime's `Directory` of parks and tenants, answered from leasing's own parks."""

    def __init__(self, parks: ParkStore) -> None:
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
