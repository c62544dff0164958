"""Use cases of match proposals: on demand for one need; accepted or declined by each side; deals."""

import copy
import uuid
from collections.abc import Callable
from decimal import Decimal

from parkops_kernel.errors import Conflict, NotFound
from parkops_runtime.access import ParkAccess
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.errors import ConcurrencyConflict

from matchmaking.access import WRITERS, acting_side, require_profile, require_proposal, sees_proposal
from matchmaking.domain.profiles import Enterprise
from matchmaking.domain.proposal import Proposal, Status, pair_of
from matchmaking.domain.scoring import Scored
from matchmaking.state import State
from matchmaking.store.repository import Repository


class ProposalService:
    def __init__(self, state: State, proposals: Repository[Proposal], clock: Clock = utc_now) -> None:
        self._state = state
        self._proposals = proposals
        self._clock = clock

    async def propose_for_need(
        self, access: ParkAccess, tenant_id: str, need_id: str, k: int
    ) -> list[Proposal]:
        """ProposeForNeed: the k best offerings for one need, each a proposal (MatchProposed)."""
        profile = require_profile(access, self._state.profile(access.park_id, tenant_id), tenant_id)
        need = profile.need(need_id)
        if need is None:
            raise NotFound(f"need {need_id} not found")
        access.require(*WRITERS)
        if not profile.enterprise.active:
            raise Conflict(f"enterprise {tenant_id} is retired from matchmaking")
        ranked = self._state.index(profile.enterprise.group_id).top(need, k)
        return [await self.propose(scored, profile.enterprise) for scored in ranked]

    async def propose(self, scored: Scored, buyer: Enterprise, meeting_id: str | None = None) -> Proposal:
        """A proposal for this pair; an open or accepted one for the same need and offering (each
        named with its owner, never by its client-chosen id alone) is reused."""
        existing = self._state.proposal_for(pair_of(scored, buyer))
        if existing is not None and existing.status is not Status.DECLINED:
            return existing
        proposal = Proposal.propose(uuid.uuid4().hex, scored, buyer, self._clock(), meeting_id)
        await self._proposals.add(proposal, proposal.events)
        proposal.events.clear()
        self._state.put_proposal(proposal)
        return proposal

    def proposals(self, access: ParkAccess, status: Status | None = None) -> list[Proposal]:
        found = [
            p
            for p in self._state.proposals.values()
            if sees_proposal(access, p) and (status is None or p.status is status)
        ]
        return sorted(found, key=lambda p: (p.proposed_at, p.proposal_id))

    def proposal(self, access: ParkAccess, proposal_id: str) -> Proposal:
        return require_proposal(access, self._state.proposals.get(proposal_id), proposal_id)

    async def accept(self, access: ParkAccess, proposal_id: str, enterprise_id: str | None) -> Proposal:
        """AcceptProposal: one side accepts; both sides' acceptance makes MatchAccepted."""
        current = self.proposal(access, proposal_id)
        side = acting_side(access, current, enterprise_id)
        return await self._change(current, lambda p: p.accept(side, self._clock()))

    async def decline(self, access: ParkAccess, proposal_id: str, enterprise_id: str | None) -> Proposal:
        """DeclineProposal: either side declines (MatchDeclined); the pair is penalised from now on."""
        current = self.proposal(access, proposal_id)
        side = acting_side(access, current, enterprise_id)
        return await self._change(current, lambda p: p.decline(side, self._clock()))

    async def close_deal(
        self, access: ParkAccess, proposal_id: str, value_cny: Decimal, estimated_saving_cny: Decimal
    ) -> Proposal:
        """CloseDeal: staff of either side's park record the deal an accepted match led to (DealClosed)."""
        current = self.proposal(access, proposal_id)  # staff only: the route's scope says so
        return await self._change(
            current, lambda p: p.close_deal(value_cny, estimated_saving_cny, self._clock())
        )

    async def _change(self, current: Proposal, change: Callable[[Proposal], None]) -> Proposal:
        changed = copy.deepcopy(current)
        change(changed)
        try:
            await self._proposals.save(changed, changed.events)
        except ConcurrencyConflict:
            raise Conflict(f"proposal {current.proposal_id} changed meanwhile; try again") from None
        changed.events.clear()
        self._state.put_proposal(changed)
        return changed
