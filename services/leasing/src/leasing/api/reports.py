"""The read side: rent roll, occupancy, renewal pipeline, vacancy, the availability chart."""

from typing import Annotated

from fastapi import APIRouter, Query
from parkops_kernel.bounds import BusinessDate

from leasing.access import FiguresScope, ParkScope
from leasing.queries import LeasingQueries
from leasing.schemas.leases import LeasePublic
from leasing.schemas.reports import Occupancy, RentRollLine, UnitAvailability, Vacancy
from leasing.service import LeasingService

On = Annotated[
    BusinessDate | None,
    Query(description="As of this date, 1900-2199 (default: today by the service's clock)."),
]


def build_router(_: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter(tags=["queries"])

    @router.get("/parks/{park_id}/rent-roll")
    async def rent_roll(scope: FiguresScope, on: On = None) -> list[RentRollLine]:
        return await queries.rent_roll(scope, on)

    @router.get("/parks/{park_id}/occupancy")
    async def occupancy(scope: FiguresScope, on: On = None) -> Occupancy:
        return await queries.occupancy(scope, on)

    @router.get("/parks/{park_id}/expiring-leases")
    async def expiring_leases(
        scope: ParkScope, within_days: Annotated[int, Query(ge=0, le=3650)] = 90, on: On = None
    ) -> list[LeasePublic]:
        return await queries.expiring_leases(scope, on, within_days)

    @router.get("/parks/{park_id}/vacancy")
    async def vacancy(
        scope: FiguresScope,
        first: Annotated[BusinessDate | None, Query(alias="from")] = None,
        last: Annotated[BusinessDate | None, Query(alias="to")] = None,
        on: Annotated[BusinessDate | None, Query(description="The window's end (same as `to`).")] = None,
    ) -> list[Vacancy]:
        return await queries.vacancy(scope, first, last, on)

    @router.get("/parks/{park_id}/availability")
    async def availability(
        scope: ParkScope,
        first: Annotated[
            BusinessDate | None, Query(alias="from", description="Any day of the first month.")
        ] = None,
        months: Annotated[int, Query(ge=1, le=36)] = 12,
        on: Annotated[
            BusinessDate | None, Query(description="Any day of the first month (same as `from`).")
        ] = None,
    ) -> list[UnitAvailability]:
        """The public listing by month, as the leases stand: which units are let, never by whom."""
        return await queries.availability(scope, first, months, on)

    return router
