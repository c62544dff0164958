"""A park's occupancy: the live view of its units, leases and tenants."""

from fastapi import APIRouter
from parkops_runtime.access import FiguresScope

from kpi.queries import KpiQueries
from kpi.schemas import OccupancyPublic


def router(queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["kpi"])

    @routes.get("/parks/{park_id}/occupancy")
    async def occupancy(access: FiguresScope) -> OccupancyPublic:
        return queries.occupancy(access)

    return routes
