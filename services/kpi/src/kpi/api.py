"""HTTP routes of the kpi service."""

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.errors import NotFound
from pydantic import BaseModel

from kpi.projections import Projections


class OccupancyPublic(BaseModel):
    park_id: str
    units_total: int
    units_leased: int
    area_total_m2: Decimal
    area_leased_m2: Decimal
    occupancy_by_area: Decimal
    occupancy_by_count: Decimal
    tenants: int
    events_applied: int
    as_of: datetime | None


def build_router(projections: Projections) -> APIRouter:
    router = APIRouter(tags=["kpi"])

    @router.get("/parks/{park_id}/occupancy")
    async def occupancy(park_id: str, who: CurrentPrincipal) -> OccupancyPublic:
        park = projections.park(park_id)
        if park is None:
            raise NotFound(f"park {park_id} not found")
        who.require_park(park.group_id, park_id)
        return OccupancyPublic(
            park_id=park_id,
            units_total=len(park.unit_areas),
            units_leased=len(park.leased_units),
            area_total_m2=park.area_total_m2,
            area_leased_m2=park.area_leased_m2,
            occupancy_by_area=park.occupancy_by_area,
            occupancy_by_count=park.occupancy_by_count,
            tenants=len(park.tenant_areas),
            events_applied=park.events_applied,
            as_of=park.as_of,
        )

    return router
