"""A park's units, and their renovations: a unit off the market, then back with its new base rent."""

from enum import Enum

from fastapi import APIRouter, status
from parkops_runtime.request_keys import IdempotencyKey

from leasing.access import ParkScope, StaffScope
from leasing.api.reports import On
from leasing.queries import LeasingQueries
from leasing.schemas import PathId
from leasing.schemas.space import RenovationCreate, UnitCreate, UnitPublic, renovation_start
from leasing.service import LeasingService

# The OpenAPI sections of these routes.
LEASING: list[str | Enum] = ["leasing"]
QUERIES: list[str | Enum] = ["queries"]


def build_router(leasing: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter()

    @router.post("/parks/{park_id}/units", status_code=status.HTTP_201_CREATED, tags=LEASING)
    async def list_unit(body: UnitCreate, scope: StaffScope, key: IdempotencyKey = None) -> UnitPublic:
        return await leasing.list_unit(scope, body.command(), key)

    @router.get("/parks/{park_id}/units", tags=LEASING)
    async def list_units(scope: ParkScope, on: On = None) -> list[UnitPublic]:
        """Each unit's status and occupant on `on`, derived from the leases."""
        return await queries.units(scope, on)

    @router.post("/parks/{park_id}/units/{unit_id}/renovations/start", tags=QUERIES)
    async def start_renovation(unit_id: PathId, scope: StaffScope, key: IdempotencyKey = None) -> UnitPublic:
        """The unit goes off the market (status renovating) until the renovation below is recorded."""
        return await leasing.start_renovation(scope, renovation_start(unit_id), key)

    @router.post("/parks/{park_id}/units/{unit_id}/renovations", tags=QUERIES)
    async def renovate_unit(
        unit_id: PathId, body: RenovationCreate, scope: StaffScope, key: IdempotencyKey = None
    ) -> UnitPublic:
        return await leasing.renovate_unit(scope, body.command(unit_id), key)

    return router
