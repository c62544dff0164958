"""Reads of matchmaking, never a write: answered from the in-memory read model, as each caller may
see them (`access`), in the HTTP schemas."""

from parkops_runtime.access import GroupAccess, ParkAccess

from matchmaking.access import (
    meeting_view,
    require_meeting,
    require_profile,
    require_proposal,
    sees_meeting,
    sees_proposal,
    visible_profiles,
)
from matchmaking.domain.proposal import Status
from matchmaking.present import chain_public, meeting_public, profile_public, proposal_public, settings_public
from matchmaking.read_model import ReadModel
from matchmaking.schemas import ChainMapIO, MeetingPublic, ProfilePublic, ProposalPublic, SettingsIO


class MatchmakingQueries:
    def __init__(self, read: ReadModel) -> None:
        self._read = read

    def profiles(self, access: ParkAccess) -> list[ProfilePublic]:
        return [profile_public(p) for p in visible_profiles(access, self._read.profiles_in(access.park_id))]

    def profile(self, access: ParkAccess, tenant_id: str) -> ProfilePublic:
        found = self._read.profile(access.park_id, tenant_id)
        return profile_public(require_profile(access, found, tenant_id))

    def proposals(self, access: ParkAccess, status: str | None = None) -> list[ProposalPublic]:
        wanted = Status(status) if status is not None else None
        found = [
            p
            for p in self._read.proposals.values()
            if sees_proposal(access, p) and (wanted is None or p.status is wanted)
        ]
        return [proposal_public(p) for p in sorted(found, key=lambda p: (p.proposed_at, p.proposal_id))]

    def proposal(self, access: ParkAccess, proposal_id: str) -> ProposalPublic:
        found = self._read.proposals.get(proposal_id)
        return proposal_public(require_proposal(access, found, proposal_id))

    def meetings(self, access: ParkAccess) -> list[MeetingPublic]:
        found = self._read.meetings_in(access.park_id)
        proposals = self._read.proposals
        return [meeting_public(meeting_view(access, m, proposals)) for m in found if sees_meeting(access, m)]

    def meeting(self, access: ParkAccess, meeting_id: str) -> MeetingPublic:
        found = require_meeting(access, self._read.meetings.get(meeting_id), meeting_id)
        return meeting_public(meeting_view(access, found, self._read.proposals))

    def chain_map(self, access: GroupAccess | ParkAccess) -> ChainMapIO:
        """The group's chain map, whose segments profiles name."""
        return chain_public(self._read.group(access.group_id))

    def settings(self, access: GroupAccess) -> SettingsIO:
        return settings_public(self._read.group(access.group_id))
