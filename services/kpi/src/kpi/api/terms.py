"""A park's KPI targets and weights and the operator agreement (operating costs are finance's)."""

from fastapi import APIRouter
from parkops_runtime.access import FiguresScope
from parkops_runtime.request_keys import IdempotencyKey

from kpi.access import WriterScope
from kpi.queries import KpiQueries
from kpi.schemas import AgreementIn, KpiPath, TargetIn, TermsPublic
from kpi.service import KpiService


def router(service: KpiService, queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["targets and assessment"])

    @routes.get("/parks/{park_id}/targets")
    async def targets(access: FiguresScope) -> TermsPublic:
        return queries.terms(access)

    @routes.put("/parks/{park_id}/targets/{kpi}")
    async def set_target(
        access: WriterScope, kpi: KpiPath, body: TargetIn, key: IdempotencyKey = None
    ) -> TermsPublic:
        return await service.set_target(access, kpi, body, key)

    @routes.put("/parks/{park_id}/agreement")
    async def set_agreement(
        access: WriterScope, body: AgreementIn, key: IdempotencyKey = None
    ) -> TermsPublic:
        return await service.set_agreement(access, body, key)

    return routes
