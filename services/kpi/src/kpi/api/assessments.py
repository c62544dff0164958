"""The operator's assessments of a period (published once) and low-efficiency scans."""

from fastapi import APIRouter
from parkops_contracts.events.kpi import LowEfficiencySpaceFlagged
from parkops_runtime.access import FiguresScope
from parkops_runtime.request_keys import IdempotencyKey

from kpi.access import WriterScope
from kpi.queries import KpiQueries
from kpi.schemas import AssessmentPublic, PeriodPath, ScanIn
from kpi.service import KpiService


def router(service: KpiService, queries: KpiQueries) -> APIRouter:
    routes = APIRouter(tags=["targets and assessment"])

    @routes.post("/parks/{park_id}/assessments/{period}", status_code=201)
    async def publish(
        access: WriterScope, period: PeriodPath, key: IdempotencyKey = None
    ) -> AssessmentPublic:
        return await service.publish_assessment(access, period, key)

    @routes.get("/parks/{park_id}/assessments/{period}")
    async def assessment(access: FiguresScope, period: PeriodPath) -> AssessmentPublic:
        return await queries.assessment(access, period)

    @routes.post("/parks/{park_id}/low-efficiency-scans", status_code=201)
    async def scan(
        access: WriterScope, body: ScanIn, key: IdempotencyKey = None
    ) -> list[LowEfficiencySpaceFlagged]:
        # each flag answered is the LowEfficiencySpaceFlagged event the outbox puts on the topic
        return await service.scan(access, body, key)

    return routes
