"""Routes of match proposals: list, read, accept, decline, record the deal."""

from fastapi import APIRouter
from parkops_runtime.auth import CurrentPrincipal

from matchmaking.api.present import proposal_public
from matchmaking.domain.proposal import Status
from matchmaking.proposals_service import ProposalService
from matchmaking.schemas import Answer, DealCreate, ProposalPublic


def build_router(proposals: ProposalService) -> APIRouter:
    router = APIRouter(tags=["proposals"])

    @router.get("/proposals")
    async def list_proposals(who: CurrentPrincipal, status: Status | None = None) -> list[ProposalPublic]:
        return [proposal_public(p) for p in proposals.proposals(who, status)]

    @router.get("/proposals/{proposal_id}")
    async def get_proposal(proposal_id: str, who: CurrentPrincipal) -> ProposalPublic:
        return proposal_public(proposals.proposal(who, proposal_id))

    @router.post("/proposals/{proposal_id}/accept")
    async def accept(proposal_id: str, body: Answer, who: CurrentPrincipal) -> ProposalPublic:
        return proposal_public(await proposals.accept(who, proposal_id, body.enterprise_id))

    @router.post("/proposals/{proposal_id}/decline")
    async def decline(proposal_id: str, body: Answer, who: CurrentPrincipal) -> ProposalPublic:
        return proposal_public(await proposals.decline(who, proposal_id, body.enterprise_id))

    @router.post("/proposals/{proposal_id}/deal")
    async def close_deal(proposal_id: str, body: DealCreate, who: CurrentPrincipal) -> ProposalPublic:
        closed = await proposals.close_deal(who, proposal_id, body.value_cny, body.estimated_saving_cny)
        return proposal_public(closed)

    return router
