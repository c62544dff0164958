"""HTTP routes of pricing, the commitment register, leases, renovations and tenant metrics."""

from typing import Annotated

from fastapi import APIRouter, Header, status
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.errors import NotFound
from parkops_runtime.ids import new_id

from leasing.domain.commitments import Commitment, Eligibility
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import Quote, RentForEquity
from leasing.domain.tenants import YearlyMetrics
from leasing.lease_service import LeaseService
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

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def equity_of(body: RentForEquityIn | None) -> RentForEquity | None:
    return RentForEquity.model_validate(body.model_dump()) if body else None


def build_lease_router(leases: LeaseService) -> APIRouter:
    router = APIRouter(tags=["leases"])

    @router.get("/parks/{park_id}/pricing-policy")
    async def get_pricing_policy(park_id: str, who: CurrentPrincipal) -> PricingPolicy:
        return (await leases.park_for(who, park_id)).pricing_policy

    @router.put("/parks/{park_id}/pricing-policy")
    async def set_pricing_policy(
        park_id: str, body: PricingPolicyUpdate, who: CurrentPrincipal
    ) -> PricingPolicy:
        return await leases.set_pricing_policy(who, park_id, PricingPolicy.model_validate(body.model_dump()))

    @router.post("/parks/{park_id}/quotes")
    async def quote(park_id: str, body: QuoteCreate, who: CurrentPrincipal) -> Quote:
        return await leases.quote(
            who,
            park_id,
            body.tenant_id,
            body.unit_ids,
            body.term_months,
            body.starts_on,
            equity_of(body.rent_for_equity),
        )

    @router.post("/parks/{park_id}/commitments", status_code=status.HTTP_201_CREATED)
    async def register_commitment(park_id: str, body: CommitmentCreate, who: CurrentPrincipal) -> Commitment:
        commitment = Commitment(
            commitment_id=body.commitment_id or new_id(),
            promisor_kind=body.promisor_kind,
            promisor=body.promisor,
            description=body.description,
            eligibility=Eligibility.model_validate(body.eligibility.model_dump()),
            benefit=body.benefit,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
        )
        return await leases.register_commitment(who, park_id, commitment)

    @router.get("/parks/{park_id}/commitments")
    async def list_commitments(park_id: str, who: CurrentPrincipal) -> list[Commitment]:
        return list((await leases.park_for(who, park_id)).commitments.values())

    @router.post("/parks/{park_id}/leases", status_code=status.HTTP_201_CREATED)
    async def sign_lease(
        park_id: str, body: LeaseCreate, who: CurrentPrincipal, idempotency_key: IdempotencyKey = None
    ) -> LeasePublic:
        lease = await leases.sign(
            who,
            park_id,
            body.tenant_id,
            body.unit_ids,
            body.term_months,
            body.starts_on,
            equity_of(body.rent_for_equity),
            idempotency_key,
        )
        return LeasePublic.of(park_id, lease)

    @router.get("/parks/{park_id}/leases")
    async def list_leases(park_id: str, who: CurrentPrincipal) -> list[LeasePublic]:
        park = await leases.park_for(who, park_id)
        return [
            LeasePublic.of(park_id, x) for x in park.leases.values() if who.tenant_id in (None, x.tenant_id)
        ]

    @router.get("/parks/{park_id}/leases/{lease_id}")
    async def get_lease(park_id: str, lease_id: str, who: CurrentPrincipal) -> LeasePublic:
        lease = (await leases.park_for(who, park_id)).lease(lease_id)
        if who.tenant_id not in (None, lease.tenant_id):
            raise NotFound(f"lease {lease_id} not found in park {park_id}")
        return LeasePublic.of(park_id, lease)

    @router.post("/parks/{park_id}/leases/{lease_id}/renewals", status_code=status.HTTP_201_CREATED)
    async def renew_lease(
        park_id: str,
        lease_id: str,
        body: LeaseRenew,
        who: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> LeasePublic:
        equity = equity_of(body.rent_for_equity)
        lease = await leases.renew(who, park_id, lease_id, body.term_months, equity, idempotency_key)
        return LeasePublic.of(park_id, lease)

    @router.post("/parks/{park_id}/leases/{lease_id}/termination")
    async def terminate_lease(
        park_id: str,
        lease_id: str,
        body: LeaseTerminate,
        who: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> LeasePublic:
        lease = await leases.terminate(
            who, park_id, lease_id, body.terminated_on, body.reason, idempotency_key
        )
        return LeasePublic.of(park_id, lease)

    @router.post("/parks/{park_id}/tenants/{tenant_id}/metrics", status_code=status.HTTP_201_CREATED)
    async def report_metrics(
        park_id: str, tenant_id: str, body: MetricsReport, who: CurrentPrincipal
    ) -> YearlyMetrics:
        metrics = YearlyMetrics.model_validate(body.model_dump())
        await leases.report_metrics(who, park_id, tenant_id, metrics)
        return metrics

    return router
