"""Leases: sign, renew, terminate, read."""

from fastapi import APIRouter, status
from parkops_runtime.request_keys import IdempotencyKey

from leasing.access import ParkScope, StaffScope
from leasing.queries import LeasingQueries
from leasing.schemas import PathId
from leasing.schemas.leases import LeaseCreate, LeasePublic, LeaseRenew, LeaseTerminate
from leasing.service import LeasingService


def build_router(leasing: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter(tags=["leases"])

    @router.post("/parks/{park_id}/leases", status_code=status.HTTP_201_CREATED)
    async def sign_lease(body: LeaseCreate, scope: StaffScope, key: IdempotencyKey = None) -> LeasePublic:
        return await leasing.sign_lease(scope, body.command(), key)

    @router.get("/parks/{park_id}/leases")
    async def list_leases(scope: ParkScope) -> list[LeasePublic]:
        return await queries.leases(scope)

    @router.get("/parks/{park_id}/leases/{lease_id}")
    async def get_lease(lease_id: PathId, scope: ParkScope) -> LeasePublic:
        return await queries.lease(scope, lease_id)

    @router.post("/parks/{park_id}/leases/{lease_id}/renewals", status_code=status.HTTP_201_CREATED)
    async def renew_lease(
        lease_id: PathId, body: LeaseRenew, scope: StaffScope, key: IdempotencyKey = None
    ) -> LeasePublic:
        return await leasing.renew_lease(scope, body.command(lease_id), key)

    @router.post("/parks/{park_id}/leases/{lease_id}/termination")
    async def terminate_lease(
        lease_id: PathId, body: LeaseTerminate, scope: StaffScope, key: IdempotencyKey = None
    ) -> LeasePublic:
        return await leasing.terminate_lease(scope, body.command(lease_id), key)

    return router
