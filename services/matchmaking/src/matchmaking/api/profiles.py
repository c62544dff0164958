"""Routes of enterprise profiles and of on-demand proposals for one need."""

import uuid

from fastapi import APIRouter
from parkops_runtime.access import ParkScope

from matchmaking.api.present import chain_public, profile_public, proposal_public
from matchmaking.domain.profiles import Need, Offering
from matchmaking.groups_service import GroupService
from matchmaking.profiles_service import ProfileService
from matchmaking.proposals_service import ProposalService
from matchmaking.schemas import (
    ChainMapIO,
    NeedIn,
    OfferingIn,
    PathId,
    ProfilePublic,
    ProfileUpdate,
    ProposalPublic,
    TopK,
)


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


def build_router(profiles: ProfileService, proposals: ProposalService, groups: GroupService) -> APIRouter:
    router = APIRouter(tags=["profiles"])

    @router.get("/parks/{park_id}/profiles")
    async def list_profiles(access: ParkScope) -> list[ProfilePublic]:
        return [profile_public(p) for p in profiles.profiles(access)]

    @router.get("/parks/{park_id}/profiles/{tenant_id}")
    async def get_profile(tenant_id: PathId, access: ParkScope) -> ProfilePublic:
        return profile_public(profiles.profile(access, tenant_id))

    @router.put("/parks/{park_id}/profiles/{tenant_id}")
    async def declare_profile(tenant_id: PathId, body: ProfileUpdate, access: ParkScope) -> ProfilePublic:
        offerings = [offering_of(tenant_id, o) for o in body.offerings]
        needs = [need_of(tenant_id, n) for n in body.needs]
        return profile_public(await profiles.declare(access, tenant_id, offerings, needs, body.anchor))

    @router.post("/parks/{park_id}/profiles/{tenant_id}/needs/{need_id}/proposals")
    async def propose_for_need(
        tenant_id: PathId, need_id: PathId, access: ParkScope, k: TopK = 10
    ) -> list[ProposalPublic]:
        found = await proposals.propose_for_need(access, tenant_id, need_id, k)
        return [proposal_public(p) for p in found]

    @router.get("/parks/{park_id}/chain-map", tags=["group"])
    async def get_park_chain_map(access: ParkScope) -> ChainMapIO:
        """The group's chain map, whose segments profiles name: for everyone who sees the park."""
        return chain_public(groups.config(access))

    return router
