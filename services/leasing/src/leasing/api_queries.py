"""HTTP routes of the read side: rent roll, occupancy, renewal pipeline, vacancy; unit renovations."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.errors import Unprocessable

from leasing.domain import queries
from leasing.domain.availability_chart import UnitAvailability, availability_chart
from leasing.domain.queries import Occupancy, RentRollLine, Vacancy
from leasing.lease_service import LeaseService
from leasing.schemas import UnitPublic
from leasing.schemas_leases import LeasePublic, RenovationCreate

On = Annotated[date | None, Query(description="As of this date (default: today, UTC).")]


def build_query_router(leases: LeaseService) -> APIRouter:
    router = APIRouter(tags=["queries"])

    @router.get("/parks/{park_id}/rent-roll")
    async def rent_roll(park_id: str, who: CurrentPrincipal, on: On = None) -> list[RentRollLine]:
        park = await leases.park_for(who, park_id)
        lines = queries.rent_roll(park, on or leases.today())
        return [line for line in lines if who.tenant_id in (None, line.tenant_id)]

    @router.get("/parks/{park_id}/occupancy")
    async def occupancy(park_id: str, who: CurrentPrincipal, on: On = None) -> Occupancy:
        return queries.occupancy(await leases.park_for(who, park_id), on or leases.today())

    @router.get("/parks/{park_id}/expiring-leases")
    async def expiring_leases(
        park_id: str,
        who: CurrentPrincipal,
        within_days: Annotated[int, Query(ge=0, le=3650)] = 90,
        on: On = None,
    ) -> list[LeasePublic]:
        park = await leases.park_for(who, park_id)
        found = queries.expiring(park, on or leases.today(), within_days)
        return [LeasePublic.of(park_id, x) for x in found if who.tenant_id in (None, x.tenant_id)]

    @router.get("/parks/{park_id}/vacancy")
    async def vacancy(
        park_id: str,
        who: CurrentPrincipal,
        first: Annotated[date | None, Query(alias="from")] = None,
        last: Annotated[date | None, Query(alias="to")] = None,
    ) -> list[Vacancy]:
        park = await leases.park_for(who, park_id)
        last = last or leases.today()
        first = first or last - timedelta(days=364)
        if first > last:
            raise Unprocessable("from: must not be after to")
        return queries.vacancy_days(park, first, last)

    @router.get("/parks/{park_id}/availability")
    async def availability(
        park_id: str,
        who: CurrentPrincipal,
        first: Annotated[date | None, Query(alias="from", description="Any day of the first month.")] = None,
        months: Annotated[int, Query(ge=1, le=36)] = 12,
    ) -> list[UnitAvailability]:
        park = await leases.park_for(who, park_id)
        return availability_chart(park, first or leases.today(), months)

    @router.post("/parks/{park_id}/units/{unit_id}/renovations/start")
    async def start_renovation(park_id: str, unit_id: str, who: CurrentPrincipal) -> UnitPublic:
        """The unit goes off the market (status renovating) until the renovation below is recorded."""
        unit = await leases.start_renovation(who, park_id, unit_id)
        return UnitPublic(park_id=park_id, **unit.model_dump())

    @router.post("/parks/{park_id}/units/{unit_id}/renovations")
    async def renovate_unit(
        park_id: str, unit_id: str, body: RenovationCreate, who: CurrentPrincipal
    ) -> UnitPublic:
        unit = await leases.renovate(who, park_id, unit_id, body.base_rent)
        return UnitPublic(park_id=park_id, **unit.model_dump())

    return router
