"""A park's scorecard of a period (JSON or CSV), its drill-down per KPI and a KPI's series over periods."""

from fastapi import APIRouter, Response
from parkops_runtime.access import FiguresScope

from kpi.queries import KpiQueries
from kpi.schemas import DrillDown, FromQuery, KpiPath, PeriodPath, ScorecardPublic, SeriesPoint, ToQuery


def router(queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["scorecards"])

    @routes.get("/parks/{park_id}/scorecards/{period}")
    async def scorecard(access: FiguresScope, period: PeriodPath) -> ScorecardPublic:
        return queries.scorecard(access, period)

    @routes.get("/parks/{park_id}/scorecards/{period}/csv")
    async def scorecard_as_csv(access: FiguresScope, period: PeriodPath) -> Response:
        return Response(queries.scorecard_csv(access, period), media_type="text/csv")

    @routes.get("/parks/{park_id}/scorecards/{period}/kpis/{kpi}")
    async def drill_down(access: FiguresScope, period: PeriodPath, kpi: KpiPath) -> DrillDown:
        return queries.drill_down(access, period, kpi)

    @routes.get("/parks/{park_id}/kpis/{kpi}/series")
    async def series(access: FiguresScope, kpi: KpiPath, start: FromQuery, end: ToQuery) -> list[SeriesPoint]:
        """One point per period from `from` to `to` (both of one format: years, quarters, months or days),
        at most the last 120."""
        return queries.series(access, kpi, start, end)

    return routes
