"""HTTP routes of the kpi service."""

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter
from parkops_runtime.access import FiguresScope
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
    async def occupancy(access: FiguresScope) -> OccupancyPublic:
        park = projections.park(access.park_id, access.group_id)
        return OccupancyPublic(
            park_id=park.park_id,
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
