"""HTTP routes of pricing, the commitment register, leases, renovations and tenant metrics."""

from fastapi import APIRouter, status
from parkops_runtime.ids import new_id

from leasing import access
from leasing.access import AdminScope, FiguresScope, MetricsScope, ParkScope, StaffScope
from leasing.domain.commitments import Benefit, Commitment, Eligibility
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import Quote, RentForEquity
from leasing.domain.tenants import YearlyMetrics
from leasing.lease_service import LeaseService
from leasing.schemas import IdempotencyKey, PathId
from leasing.schemas_leases import (
    CommitmentCreate,
    LeaseCreate,
    LeasePublic,
    LeaseRenew,
    LeaseTerminate,
    MetricsReport,
    PricingPolicyUpdate,
    QuoteCreate,
    RentForEquityIn,
)


def equity_of(body: RentForEquityIn | None) -> RentForEquity | None:
    return RentForEquity.model_validate(body.model_dump()) if body else None


def build_pricing_router(leases: LeaseService) -> APIRouter:
    """The park's pricing policy, quotes and the register of policy commitments."""
    router = APIRouter(tags=["leases"])

    @router.get("/parks/{park_id}/pricing-policy")
    async def get_pricing_policy(scope: FiguresScope) -> PricingPolicy:
        return (await leases.park(scope)).pricing_policy

    @router.put("/parks/{park_id}/pricing-policy")
    async def set_pricing_policy(body: PricingPolicyUpdate, scope: AdminScope) -> PricingPolicy:
        return await leases.set_pricing_policy(scope, PricingPolicy.model_validate(body.model_dump()))

    @router.post("/parks/{park_id}/quotes")
    async def quote(body: QuoteCreate, scope: ParkScope) -> Quote:
        access.act_for_tenant(scope, body.tenant_id)
        return await leases.quote(
            scope,
            body.tenant_id,
            body.unit_ids,
            body.term_months,
            body.starts_on,
            equity_of(body.rent_for_equity),
        )

    @router.post("/parks/{park_id}/commitments", status_code=status.HTTP_201_CREATED)
    async def register_commitment(body: CommitmentCreate, scope: StaffScope) -> Commitment:
        commitment = Commitment(
            commitment_id=body.commitment_id or new_id(),
            promisor_kind=body.promisor_kind,
            promisor=body.promisor,
            description=body.description,
            eligibility=Eligibility.model_validate(body.eligibility.model_dump()),
            benefit=Benefit.model_validate(body.benefit.model_dump()),
            valid_from=body.valid_from,
            valid_until=body.valid_until,
        )
        return await leases.register_commitment(scope, commitment)

    @router.get("/parks/{park_id}/commitments")
    async def list_commitments(scope: FiguresScope) -> list[Commitment]:
        return list((await leases.park(scope)).commitments.values())

    return router


def build_lease_router(leases: LeaseService) -> APIRouter:
    """Leases: sign, renew, terminate, read."""
    router = APIRouter(tags=["leases"])

    @router.post("/parks/{park_id}/leases", status_code=status.HTTP_201_CREATED)
    async def sign_lease(
        body: LeaseCreate, scope: StaffScope, idempotency_key: IdempotencyKey = None
    ) -> LeasePublic:
        lease = await leases.sign(
            scope,
            body.tenant_id,
            body.unit_ids,
            body.term_months,
            body.starts_on,
            equity_of(body.rent_for_equity),
            idempotency_key,
        )
        return LeasePublic.of(scope.park_id, lease)

    @router.get("/parks/{park_id}/leases")
    async def list_leases(scope: ParkScope) -> list[LeasePublic]:
        park = await leases.park(scope)
        return [LeasePublic.of(scope.park_id, x) for x in access.leases_seen(scope, park.leases.values())]

    @router.get("/parks/{park_id}/leases/{lease_id}")
    async def get_lease(lease_id: PathId, scope: ParkScope) -> LeasePublic:
        lease = access.lease_seen(scope, await leases.park(scope), lease_id)
        return LeasePublic.of(scope.park_id, lease)

    @router.post("/parks/{park_id}/leases/{lease_id}/renewals", status_code=status.HTTP_201_CREATED)
    async def renew_lease(
        lease_id: PathId, body: LeaseRenew, scope: StaffScope, idempotency_key: IdempotencyKey = None
    ) -> LeasePublic:
        equity = equity_of(body.rent_for_equity)
        lease = await leases.renew(scope, lease_id, body.term_months, equity, idempotency_key)
        return LeasePublic.of(scope.park_id, lease)

    @router.post("/parks/{park_id}/leases/{lease_id}/termination")
    async def terminate_lease(
        lease_id: PathId, body: LeaseTerminate, scope: StaffScope, idempotency_key: IdempotencyKey = None
    ) -> LeasePublic:
        lease = await leases.terminate(scope, lease_id, body.terminated_on, body.reason, idempotency_key)
        return LeasePublic.of(scope.park_id, lease)

    return router


def build_metrics_router(leases: LeaseService) -> APIRouter:
    """Tenants' yearly figures (tax, revenue, headcount, valuation, funding) as reported."""
    router = APIRouter(tags=["leases"])

    @router.post("/parks/{park_id}/tenants/{tenant_id}/metrics", status_code=status.HTTP_201_CREATED)
    async def report_metrics(tenant_id: PathId, body: MetricsReport, scope: MetricsScope) -> YearlyMetrics:
        metrics = YearlyMetrics.model_validate(body.model_dump())
        await leases.report_metrics(scope, tenant_id, metrics)
        return metrics

    return router
