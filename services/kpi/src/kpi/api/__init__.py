"""The HTTP routes of the kpi service, one module per resource."""

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from kpi.api import assessments, occupancy, portfolio, scorecards, terms
from kpi.queries import KpiQueries
from kpi.service import KpiService


def build_routers(
    service: KpiService, queries: KpiQueries, dependencies: Sequence[Any] = ()
) -> list[APIRouter]:
    """Every route, each behind `dependencies` (the consistency token's wait for the view)."""
    routers = [
        occupancy.router(queries),
        scorecards.router(queries),
        portfolio.router(queries),
        terms.router(service, queries),
        assessments.router(service, queries),
    ]
    behind = APIRouter(dependencies=list(dependencies))
    for routes in routers:
        behind.include_router(routes)
    return [behind]
