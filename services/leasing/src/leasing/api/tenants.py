"""The tenants onboarded into a park, and their yearly figures (tax, revenue, headcount, valuation,
funding) as reported."""

from enum import Enum

from fastapi import APIRouter, status
from parkops_runtime.request_keys import IdempotencyKey

from leasing.access import MetricsScope, ParkScope, StaffScope
from leasing.queries import LeasingQueries
from leasing.schemas import PathId
from leasing.schemas.space import MetricsReport, TenantCreate, TenantPublic, YearlyMetrics
from leasing.service import LeasingService

# The OpenAPI sections of these routes.
LEASING: list[str | Enum] = ["leasing"]
LEASES: list[str | Enum] = ["leases"]


def build_router(leasing: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter()

    @router.post("/parks/{park_id}/tenants", status_code=status.HTTP_201_CREATED, tags=LEASING)
    async def onboard_tenant(
        body: TenantCreate, scope: StaffScope, key: IdempotencyKey = None
    ) -> TenantPublic:
        return await leasing.onboard_tenant(scope, body.command(), key)

    @router.get("/parks/{park_id}/tenants", tags=LEASING)
    async def list_tenants(scope: ParkScope) -> list[TenantPublic]:
        return await queries.tenants(scope)

    @router.get("/parks/{park_id}/tenants/{tenant_id}", tags=LEASING)
    async def get_tenant(tenant_id: PathId, scope: ParkScope) -> TenantPublic:
        return await queries.tenant(scope, tenant_id)

    @router.post(
        "/parks/{park_id}/tenants/{tenant_id}/metrics", status_code=status.HTTP_201_CREATED, tags=LEASES
    )
    async def report_metrics(
        tenant_id: PathId, body: MetricsReport, scope: MetricsScope, key: IdempotencyKey = None
    ) -> YearlyMetrics:
        return await leasing.report_metrics(scope, body.command(tenant_id), key)

    return router
