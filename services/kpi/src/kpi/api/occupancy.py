"""A park's occupancy on a day (today unless asked), from leasing's spans."""

from fastapi import APIRouter
from parkops_runtime.access import FiguresScope

from kpi.queries import KpiQueries
from kpi.schemas import OccupancyPublic, OnQuery


def router(queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["kpi"])

    @routes.get("/parks/{park_id}/occupancy")
    async def occupancy(access: FiguresScope, on: OnQuery = None) -> OccupancyPublic:
        return queries.occupancy(access, on)

    return routes
