"""Routes of match proposals in a park: list, read, accept, decline, record the deal."""

from fastapi import APIRouter
from parkops_runtime.access import ParkScope, StaffScope

from matchmaking.api.present import proposal_public
from matchmaking.domain.proposal import Status
from matchmaking.proposals_service import ProposalService
from matchmaking.schemas import Answer, DealCreate, PathId, ProposalPublic


def build_router(proposals: ProposalService) -> APIRouter:
    router = APIRouter(tags=["proposals"])

    @router.get("/parks/{park_id}/proposals")
    async def list_proposals(access: ParkScope, status: Status | None = None) -> list[ProposalPublic]:
        return [proposal_public(p) for p in proposals.proposals(access, status)]

    @router.get("/parks/{park_id}/proposals/{proposal_id}")
    async def get_proposal(proposal_id: PathId, access: ParkScope) -> ProposalPublic:
        return proposal_public(proposals.proposal(access, proposal_id))

    @router.post("/parks/{park_id}/proposals/{proposal_id}/accept")
    async def accept(proposal_id: PathId, body: Answer, access: ParkScope) -> ProposalPublic:
        return proposal_public(await proposals.accept(access, proposal_id, body.enterprise_id))

    @router.post("/parks/{park_id}/proposals/{proposal_id}/decline")
    async def decline(proposal_id: PathId, body: Answer, access: ParkScope) -> ProposalPublic:
        return proposal_public(await proposals.decline(access, proposal_id, body.enterprise_id))

    @router.post("/parks/{park_id}/proposals/{proposal_id}/deal")
    async def close_deal(proposal_id: PathId, body: DealCreate, access: StaffScope) -> ProposalPublic:
        closed = await proposals.close_deal(access, proposal_id, body.value_cny, body.estimated_saving_cny)
        return proposal_public(closed)

    return router
