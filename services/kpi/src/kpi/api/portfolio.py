"""A group's parks ranked by overall score (JSON or CSV)."""

from fastapi import APIRouter, Response

from kpi.access import PortfolioScope
from kpi.queries import KpiQueries
from kpi.schemas import PeriodPath, Portfolio


def router(queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["scorecards"])

    @routes.get("/groups/{group_id}/portfolio/{period}", response_model=Portfolio)
    async def portfolio(group: PortfolioScope, period: PeriodPath) -> Response:
        """Parks ranked by overall score; each entry lists the KPIs that pull it down, worst first."""
        body = await queries.portfolio_json(group.group_id, period)
        return Response(body, media_type="application/json")

    @routes.get("/groups/{group_id}/portfolio/{period}/csv")
    async def portfolio_as_csv(group: PortfolioScope, period: PeriodPath) -> Response:
        return Response(await queries.portfolio_csv(group.group_id, period), media_type="text/csv")

    return routes
