"""The park's pricing policy, quotes and the register of policy commitments."""

from fastapi import APIRouter, status
from parkops_runtime.request_keys import IdempotencyKey

from leasing.access import AdminScope, FiguresScope, ParkScope, StaffScope
from leasing.queries import LeasingQueries
from leasing.schemas.leases import (
    Commitment,
    CommitmentCreate,
    PricingPolicy,
    PricingPolicyUpdate,
    Quote,
    QuoteCreate,
)
from leasing.service import LeasingService


def build_router(leasing: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter(tags=["leases"])

    @router.get("/parks/{park_id}/pricing-policy")
    async def get_pricing_policy(scope: FiguresScope) -> PricingPolicy:
        return await queries.pricing_policy(scope)

    @router.put("/parks/{park_id}/pricing-policy")
    async def set_pricing_policy(
        body: PricingPolicyUpdate, scope: AdminScope, key: IdempotencyKey = None
    ) -> PricingPolicy:
        return await leasing.set_pricing_policy(scope, body.command(), key)

    @router.post("/parks/{park_id}/quotes")
    async def quote(body: QuoteCreate, scope: ParkScope) -> Quote:
        """Changes nothing: the lease the park would sign today on these terms."""
        return await queries.quote(scope, body.command())

    @router.post("/parks/{park_id}/commitments", status_code=status.HTTP_201_CREATED)
    async def register_commitment(
        body: CommitmentCreate, scope: StaffScope, key: IdempotencyKey = None
    ) -> Commitment:
        return await leasing.register_commitment(scope, body.command(), key)

    @router.get("/parks/{park_id}/commitments")
    async def list_commitments(scope: FiguresScope) -> list[Commitment]:
        return await queries.commitments(scope)

    return router
