"""HTTP routes of the read side: rent roll, occupancy, renewal pipeline, vacancy; unit renovations."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from parkops_kernel.bounds import BusinessDate
from parkops_kernel.errors import Unprocessable

from leasing import access
from leasing.access import FiguresScope, ParkScope, StaffScope
from leasing.api import unit_public
from leasing.domain import queries
from leasing.domain.availability_chart import UnitAvailability, availability_chart
from leasing.domain.queries import Occupancy, RentRollLine, Vacancy
from leasing.lease_service import LeaseService
from leasing.schemas import PathId, UnitPublic
from leasing.schemas_leases import LeasePublic, RenovationCreate

On = Annotated[BusinessDate | None, Query(description="As of this date (default: today, UTC).")]
MAX_VACANCY_WINDOW = timedelta(days=366 * 10)


def build_query_router(leases: LeaseService) -> APIRouter:
    router = APIRouter(tags=["queries"])

    @router.get("/parks/{park_id}/rent-roll")
    async def rent_roll(scope: FiguresScope, on: On = None) -> list[RentRollLine]:
        return queries.rent_roll(await leases.park(scope), on or leases.today())

    @router.get("/parks/{park_id}/occupancy")
    async def occupancy(scope: FiguresScope, on: On = None) -> Occupancy:
        return queries.occupancy(await leases.park(scope), on or leases.today())

    @router.get("/parks/{park_id}/expiring-leases")
    async def expiring_leases(
        scope: ParkScope,
        within_days: Annotated[int, Query(ge=0, le=3650)] = 90,
        on: On = None,
    ) -> list[LeasePublic]:
        found = queries.expiring(await leases.park(scope), on or leases.today(), within_days)
        return [LeasePublic.of(scope.park_id, x) for x in access.leases_seen(scope, found)]

    @router.get("/parks/{park_id}/vacancy")
    async def vacancy(
        scope: FiguresScope,
        first: Annotated[BusinessDate | None, Query(alias="from")] = None,
        last: Annotated[BusinessDate | None, Query(alias="to")] = None,
    ) -> list[Vacancy]:
        last = last or leases.today()
        first = first or last - timedelta(days=364)
        if first > last:
            raise Unprocessable("from: must not be after to", field="from", location="query")
        if last - first > MAX_VACANCY_WINDOW:
            raise Unprocessable("from: the window spans at most ten years", field="from", location="query")
        return queries.vacancy_days(await leases.park(scope), first, last)

    @router.get("/parks/{park_id}/availability")
    async def availability(
        scope: ParkScope,
        first: Annotated[
            BusinessDate | None, Query(alias="from", description="Any day of the first month.")
        ] = None,
        months: Annotated[int, Query(ge=1, le=36)] = 12,
    ) -> list[UnitAvailability]:
        """The public listing by month: which units are let, never by whom."""
        return availability_chart(await leases.park(scope), first or leases.today(), months)

    return router


def build_renovation_router(leases: LeaseService) -> APIRouter:
    """Renovations: a unit off the market, then back with its new base rent."""
    router = APIRouter(tags=["queries"])

    @router.post("/parks/{park_id}/units/{unit_id}/renovations/start")
    async def start_renovation(unit_id: PathId, scope: StaffScope) -> UnitPublic:
        """The unit goes off the market (status renovating) until the renovation below is recorded."""
        return unit_public(scope, await leases.start_renovation(scope, unit_id))

    @router.post("/parks/{park_id}/units/{unit_id}/renovations")
    async def renovate_unit(unit_id: PathId, body: RenovationCreate, scope: StaffScope) -> UnitPublic:
        return unit_public(scope, await leases.renovate(scope, unit_id, body.base_rent))

    return router
