"""Reads of matchmaking, never a write, as each caller may see them (`access`), in the HTTP schemas:
profiles from the replicated view (folded from the log by every replica), proposals, meetings and the
group's configuration from the store (the documents every replica reads)."""

from typing import Protocol

from parkops_kernel.errors import NotFound
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
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.proposal import Proposal, Status
from matchmaking.present import (
    chain_public,
    match_public,
    meeting_public,
    profile_public,
    proposal_public,
    settings_public,
)
from matchmaking.read_model import MatchmakingView
from matchmaking.schemas import (
    ChainMapIO,
    MatchPublic,
    MeetingPublic,
    ProfilePublic,
    ProposalPublic,
    SettingsIO,
)
from matchmaking.service import MatchmakingService, Stores


class StoredLists(Protocol):
    """The lists read from the store (`repository.Collections`)."""

    async def proposals_in(self, group_id: str, park_id: str) -> list[Proposal]: ...

    async def proposals(self, proposal_ids: list[str]) -> list[Proposal]: ...

    async def meetings_in(self, group_id: str, park_id: str) -> list[Meeting]: ...


class MatchmakingQueries:
    def __init__(
        self, view: MatchmakingView, stores: Stores, lists: StoredLists, service: MatchmakingService
    ) -> None:
        self._view, self._stores, self._lists, self._service = view, stores, lists, service

    def profiles(self, access: ParkAccess) -> list[ProfilePublic]:
        return [profile_public(p) for p in visible_profiles(access, self._view.profiles_in(access.park_id))]

    def profile(self, access: ParkAccess, tenant_id: str) -> ProfilePublic:
        found = self._view.profile(access.park_id, tenant_id)
        return profile_public(require_profile(access, found, tenant_id))

    async def matches(self, access: ParkAccess, tenant_id: str, need_id: str, k: int) -> list[MatchPublic]:
        """The k best offerings for one need as ranked now, best first: what proposing would propose
        (less the pairs that already have an open proposal), for whoever sees the profile."""
        profile = require_profile(access, self._view.profile(access.park_id, tenant_id), tenant_id)
        need = profile.need(need_id)
        if need is None:
            raise NotFound(f"need {need_id} not found")
        ranked = await self._service.ranking(profile.enterprise.group_id, lambda index: index.top(need, k))
        return [match_public(s) for s in ranked]

    async def proposals(self, access: ParkAccess, status: str | None = None) -> list[ProposalPublic]:
        wanted = Status(status) if status is not None else None
        found = [
            p
            for p in await self._lists.proposals_in(access.group_id, access.park_id)
            if sees_proposal(access, p) and (wanted is None or p.status is wanted)
        ]
        return [proposal_public(p) for p in sorted(found, key=lambda p: (p.proposed_at, p.proposal_id))]

    async def proposal(self, access: ParkAccess, proposal_id: str) -> ProposalPublic:
        found = await self._stores.proposals.get(proposal_id)
        return proposal_public(require_proposal(access, found, proposal_id))

    async def meetings(self, access: ParkAccess) -> list[MeetingPublic]:
        found = [
            m
            for m in await self._lists.meetings_in(access.group_id, access.park_id)
            if sees_meeting(access, m)
        ]
        answers = []
        for meeting in sorted(found, key=lambda m: (m.held_on, m.meeting_id)):
            answers.append(await self._meeting_public(access, meeting))
        return answers

    async def meeting(self, access: ParkAccess, meeting_id: str) -> MeetingPublic:
        found = require_meeting(access, await self._stores.meetings.get(meeting_id), meeting_id)
        return await self._meeting_public(access, found)

    async def chain_map(self, access: GroupAccess | ParkAccess) -> ChainMapIO:
        """The group's chain map, whose segments profiles name."""
        return chain_public(await self._service.config(access.group_id))

    async def settings(self, access: GroupAccess) -> SettingsIO:
        return settings_public(await self._service.config(access.group_id))

    async def _meeting_public(self, access: ParkAccess, meeting: Meeting) -> MeetingPublic:
        """A tenant user sees only its own proposals of the meeting: they are read for it."""
        proposals = await self._lists.proposals(meeting.proposal_ids) if access.tenant_id else []
        return meeting_public(meeting_view(access, meeting, {p.proposal_id: p for p in proposals}))
