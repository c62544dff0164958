"""Use cases of monthly matchmaking meetings: the batch of proposals, then attendance."""

import copy
import uuid
from datetime import date

from parkops_kernel.errors import Conflict
from parkops_runtime.access import ParkAccess
from parkops_runtime.clock import Clock
from parkops_runtime.errors import ConcurrencyConflict

from matchmaking.access import meeting_view, require_meeting, sees_meeting
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.meeting_plan import open_needs, plan_meeting
from matchmaking.proposals_service import ProposalService
from matchmaking.state import State
from matchmaking.store.repository import Repository


class MeetingService:
    def __init__(
        self, state: State, meetings: Repository[Meeting], proposals: ProposalService, clock: Clock
    ) -> None:
        self._state = state
        self._meetings = meetings
        self._proposals = proposals
        self._clock = clock

    async def plan(self, access: ParkAccess, title: str, held_on: date, k: int) -> Meeting:
        """PlanMeeting (staff): top k proposals for every open need of the park's active enterprises,
        each pair of enterprises once (MatchProposed for the new ones); the enterprises involved are
        invited. The park is one the directory knows, in the caller's group (`StaffScope`)."""
        park_id, group_id = access.park_id, access.group_id
        buyers = {
            p.enterprise.enterprise_id: p
            for p in self._state.profiles_in(park_id)
            if p.enterprise.group_id == group_id and p.enterprise.active
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

    def meetings(self, access: ParkAccess) -> list[Meeting]:
        found = self._state.meetings_in(access.park_id)
        return [self._seen(access, m) for m in found if sees_meeting(access, m)]

    def meeting(self, access: ParkAccess, meeting_id: str) -> Meeting:
        return self._seen(access, require_meeting(access, self._state.meetings.get(meeting_id), meeting_id))

    def _seen(self, access: ParkAccess, meeting: Meeting) -> Meeting:
        return meeting_view(access, meeting, self._state.proposals)

    async def record_attendance(self, access: ParkAccess, meeting_id: str, tenant_id: str) -> Meeting:
        """RecordAttendance (staff): an invited enterprise attended (MatchmakingMeetingAttended, billed
        once)."""
        current = require_meeting(access, self._state.meetings.get(meeting_id), meeting_id)
        changed = copy.deepcopy(current)
        changed.record_attendance(tenant_id, self._clock())
        try:
            await self._meetings.save(changed, changed.events)
        except ConcurrencyConflict:
            raise Conflict(f"meeting {meeting_id} changed meanwhile; try again") from None
        changed.events.clear()
        self._state.meetings[meeting_id] = changed
        return changed
