"""Routes of enterprise profiles and of on-demand proposals for one need."""

import uuid

from fastapi import APIRouter, Query
from parkops_runtime.auth import CurrentPrincipal

from matchmaking.api.present import profile_public, proposal_public
from matchmaking.domain.profiles import Need, Offering
from matchmaking.profiles_service import ProfileService
from matchmaking.proposals_service import ProposalService
from matchmaking.schemas import NeedIn, OfferingIn, ProfilePublic, ProfileUpdate, ProposalPublic


def offering_of(tenant_id: str, body: OfferingIn) -> Offering:
    return Offering(
        body.offering_id or uuid.uuid4().hex,
        tenant_id,
        body.text,
        body.segment,
        body.capacity,
        frozenset(body.certifications),
        body.kind,
    )


def need_of(tenant_id: str, body: NeedIn) -> Need:
    return Need(
        body.need_id or uuid.uuid4().hex,
        tenant_id,
        body.text,
        body.segment,
        body.volume,
        frozenset(body.required_certifications),
        body.deadline,
        body.kind,
    )


def build_router(profiles: ProfileService, proposals: ProposalService) -> APIRouter:
    router = APIRouter(tags=["profiles"])

    @router.get("/parks/{park_id}/profiles")
    async def list_profiles(park_id: str, who: CurrentPrincipal) -> list[ProfilePublic]:
        return [profile_public(p) for p in profiles.profiles(who, park_id)]

    @router.get("/parks/{park_id}/profiles/{tenant_id}")
    async def get_profile(park_id: str, tenant_id: str, who: CurrentPrincipal) -> ProfilePublic:
        return profile_public(profiles.profile(who, park_id, tenant_id))

    @router.put("/parks/{park_id}/profiles/{tenant_id}")
    async def declare_profile(
        park_id: str, tenant_id: str, body: ProfileUpdate, who: CurrentPrincipal
    ) -> ProfilePublic:
        offerings = [offering_of(tenant_id, o) for o in body.offerings]
        needs = [need_of(tenant_id, n) for n in body.needs]
        return profile_public(await profiles.declare(who, park_id, tenant_id, offerings, needs, body.anchor))

    @router.post("/parks/{park_id}/profiles/{tenant_id}/needs/{need_id}/proposals")
    async def propose_for_need(
        park_id: str,
        tenant_id: str,
        need_id: str,
        who: CurrentPrincipal,
        k: int = Query(default=10, ge=1, le=50),
    ) -> list[ProposalPublic]:
        found = await proposals.propose_for_need(who, park_id, tenant_id, need_id, k)
        return [proposal_public(p) for p in found]

    return router
