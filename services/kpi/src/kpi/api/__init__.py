"""The HTTP routes of the kpi service, one module per resource."""

from fastapi import APIRouter

from kpi.api import assessments, occupancy, portfolio, scorecards, terms
from kpi.queries import KpiQueries
from kpi.service import KpiService


def build_routers(service: KpiService, queries: KpiQueries) -> list[APIRouter]:
    return [
        occupancy.router(queries),
        scorecards.router(queries),
        portfolio.router(queries),
        terms.router(service, queries),
        assessments.router(service, queries),
    ]
