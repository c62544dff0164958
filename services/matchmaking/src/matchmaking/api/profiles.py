"""Routes of enterprise profiles and of on-demand proposals for one need."""

from fastapi import APIRouter
from parkops_runtime.access import ParkScope
from parkops_runtime.request_keys import IdempotencyKey

from matchmaking.queries import MatchmakingQueries
from matchmaking.schemas import (
    MatchPublic,
    PathId,
    ProfilePublic,
    ProfileUpdate,
    ProposalPublic,
    TopK,
    proposals_for,
)
from matchmaking.service import MatchmakingService


def build_router(service: MatchmakingService, queries: MatchmakingQueries) -> APIRouter:
    router = APIRouter(tags=["profiles"])

    @router.get("/parks/{park_id}/profiles")
    async def list_profiles(access: ParkScope) -> list[ProfilePublic]:
        return queries.profiles(access)

    @router.get("/parks/{park_id}/profiles/{tenant_id}")
    async def get_profile(tenant_id: PathId, access: ParkScope) -> ProfilePublic:
        return queries.profile(access, tenant_id)

    @router.get("/parks/{park_id}/profiles/{tenant_id}/needs/{need_id}/matches")
    async def top_matches(
        tenant_id: PathId, need_id: PathId, access: ParkScope, k: TopK = 10
    ) -> list[MatchPublic]:
        """The k best offerings for the need, ranked now with their score breakdown; nothing is proposed."""
        return await queries.matches(access, tenant_id, need_id, k)

    @router.put("/parks/{park_id}/profiles/{tenant_id}")
    async def declare_profile(
        tenant_id: PathId, body: ProfileUpdate, access: ParkScope, key: IdempotencyKey = None
    ) -> ProfilePublic:
        return await service.declare_profile(access, body.command(tenant_id), key)

    @router.post("/parks/{park_id}/profiles/{tenant_id}/needs/{need_id}/proposals")
    async def propose_for_need(
        tenant_id: PathId, need_id: PathId, access: ParkScope, k: TopK = 10, key: IdempotencyKey = None
    ) -> list[ProposalPublic]:
        return await service.propose_for_need(access, proposals_for(tenant_id, need_id, k), key)

    return router
