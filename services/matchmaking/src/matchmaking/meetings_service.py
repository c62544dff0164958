"""Use cases of monthly matchmaking meetings: the batch of proposals, then attendance."""

import copy
import uuid
from collections.abc import Callable
from datetime import date, datetime

from parkops_runtime.auth import Principal
from parkops_runtime.errors import ConcurrencyConflict, Conflict, NotFound

from matchmaking.access import OPERATORS
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.meeting_plan import open_needs, plan_meeting
from matchmaking.proposals_service import ProposalService
from matchmaking.state import State
from matchmaking.store.repository import Repository

Clock = Callable[[], datetime]


class MeetingService:
    def __init__(
        self, state: State, meetings: Repository[Meeting], proposals: ProposalService, clock: Clock
    ) -> None:
        self._state = state
        self._meetings = meetings
        self._proposals = proposals
        self._clock = clock

    async def plan(
        self, who: Principal, park_id: str, group_id: str, title: str, held_on: date, k: int
    ) -> Meeting:
        """PlanMeeting: top k proposals for every open need of the park's active enterprises, each pair
        of enterprises once (MatchProposed for the new ones); the enterprises involved are invited."""
        who.require_role(*OPERATORS)
        who.require_park(group_id, park_id)
        buyers = {
            p.enterprise.enterprise_id: p
            for p in self._state.profiles.values()
            if p.enterprise.park_id == park_id and p.enterprise.group_id == group_id and p.enterprise.active
        }
        needs = open_needs((n for p in buyers.values() for n in p.needs), held_on)
        meeting_id = uuid.uuid4().hex
        plan = plan_meeting(self._state.index(group_id), needs, k)
        participants: dict[str, str] = {}
        proposal_ids: list[str] = []
        for scored in plan:
            buyer = buyers[scored.need.enterprise_id].enterprise
            proposal = await self._proposals.propose(scored, buyer, meeting_id)
            proposal_ids.append(proposal.proposal_id)
            participants[buyer.enterprise_id] = buyer.park_id
            participants[scored.supplier.enterprise_id] = scored.supplier.park_id
        meeting = Meeting(meeting_id, park_id, group_id, title, held_on, participants, proposal_ids)
        await self._meetings.add(meeting)
        self._state.meetings[meeting_id] = meeting
        return meeting

    def meeting(self, who: Principal, park_id: str, meeting_id: str) -> Meeting:
        meeting = self._state.meetings.get(meeting_id)
        if meeting is None or meeting.park_id != park_id:
            raise NotFound(f"meeting {meeting_id} not found")
        who.require_park(meeting.group_id, park_id, "meeting")
        return meeting

    async def record_attendance(
        self, who: Principal, park_id: str, meeting_id: str, tenant_id: str
    ) -> Meeting:
        """RecordAttendance: an invited enterprise attended (MatchmakingMeetingAttended, billed once)."""
        who.require_role(*OPERATORS)
        current = self.meeting(who, park_id, meeting_id)
        changed = copy.deepcopy(current)
        changed.record_attendance(tenant_id, self._clock())
        try:
            await self._meetings.save(changed, changed.events)
        except ConcurrencyConflict:
            raise Conflict(f"meeting {meeting_id} changed meanwhile; try again") from None
        changed.events.clear()
        self._state.meetings[meeting_id] = changed
        return changed
