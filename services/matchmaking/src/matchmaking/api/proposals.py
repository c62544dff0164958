"""Routes of match proposals in a park: list, read, accept, decline, record the deal."""

from fastapi import APIRouter
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from matchmaking.queries import MatchmakingQueries
from matchmaking.schemas import Answer, DealCreate, PathId, ProposalPublic, Status
from matchmaking.service import MatchmakingService


def build_router(service: MatchmakingService, queries: MatchmakingQueries) -> APIRouter:
    router = APIRouter(tags=["proposals"])

    @router.get("/parks/{park_id}/proposals")
    async def list_proposals(access: ParkScope, status: Status | None = None) -> list[ProposalPublic]:
        return await queries.proposals(access, status)

    @router.get("/parks/{park_id}/proposals/{proposal_id}")
    async def get_proposal(proposal_id: PathId, access: ParkScope) -> ProposalPublic:
        return await queries.proposal(access, proposal_id)

    @router.post("/parks/{park_id}/proposals/{proposal_id}/accept")
    async def accept(
        proposal_id: PathId, body: Answer, access: ParkScope, key: IdempotencyKey = None
    ) -> ProposalPublic:
        return await service.accept_proposal(access, body.command(proposal_id), key)

    @router.post("/parks/{park_id}/proposals/{proposal_id}/decline")
    async def decline(
        proposal_id: PathId, body: Answer, access: ParkScope, key: IdempotencyKey = None
    ) -> ProposalPublic:
        return await service.decline_proposal(access, body.command(proposal_id), key)

    @router.post("/parks/{park_id}/proposals/{proposal_id}/deal")
    async def close_deal(
        proposal_id: PathId, body: DealCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> ProposalPublic:
        return await service.close_deal(access, body.command(proposal_id), key)

    return router
