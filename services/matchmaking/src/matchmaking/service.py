"""Use cases of matchmaking: one method per command, each taking its command object. Every write is a
change through the runtime's AggregateStore (per-aggregate lock, retry, outbox commit, the
Idempotency-Key rule). What a command checks comes from the store (the profile, proposal or meeting it
changes, the group's configuration); the ranking, the park's profiles for a meeting and the proposal a
pair already has come from the replicated view (`read_model`), which every replica folds from the log.

The Idempotency-Key rule: an action keeps its key on the aggregate it changes (a profile, a proposal,
a meeting, a group's configuration). A create takes its id from the key (`keyed_id`, scoped to the
caller's group and park), so a retry names the same aggregate. Proposing for a need creates several
proposals: their ids come from the key, and the key and the answer are kept on the buyer's profile;
planning a meeting keeps them on the meeting. Both look for the key before creating anything, so a
replay has no effect and another request under the same key is 409 before any write."""

import functools
import itertools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from parkops_kernel.errors import Conflict, NotFound
from parkops_runtime import ids
from parkops_runtime.access import GroupAccess, ParkAccess
from parkops_runtime.aggregates import AggregateStore, Idempotency, keyed_id, request_digest
from parkops_runtime.auth import STAFF
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.consistency import Token, collecting, record_write
from parkops_runtime.request_keys import keyed
from parkops_runtime.slices import in_slices

from matchmaking.access import WRITERS, acting_side, require_meeting, require_profile, require_proposal
from matchmaking.domain import commands as cmd
from matchmaking.domain.chain import IndustryChainMap
from matchmaking.domain.default_chain import segment_for_industry
from matchmaking.domain.group import GroupConfig
from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.meeting_plan import best_per_pair, open_needs, ranked_for
from matchmaking.domain.profiles import Enterprise, Need, Profile
from matchmaking.domain.proposal import Proposal, Status, pair_of
from matchmaking.domain.scoring import Scored
from matchmaking.present import chain_public, meeting_public, profile_public, proposal_public, settings_public
from matchmaking.read_model import MatchmakingView
from matchmaking.schemas import ChainMapIO, MeetingPublic, ProfilePublic, ProposalPublic, SettingsIO

R = TypeVar("R")
NEEDS_PER_SLICE = 20  # a few ms of ranking each: tens of ms between two turns of the event loop
PROPOSALS_PER_REPORT = 50  # a batch's progress is stored every so many proposals, not after each
P = ParamSpec("P")
GroupKnown = Callable[[str], Awaitable[bool]]
"""Whether the park directory knows a park of the group."""
Settle = Callable[[list[Token]], Awaitable[None]]
"""Returns once this replica's view has folded the writes the tokens name (or gave up waiting)."""


async def settled_at_once(_: list[Token]) -> None:
    """For a view that folds a write as it is stored (the unit tests' in-memory log)."""


class PlanProgress(Protocol):
    """Told how a meeting's planning goes: a batch stores it on its job (`meeting_batches`)."""

    async def started(self, needs: int) -> None: ...
    async def advanced(self, needs: int, proposals: int) -> None: ...


class Unreported:
    """The synchronous call's planning: its answer is the meeting, no one reads its progress."""

    async def started(self, needs: int) -> None:
        pass

    async def advanced(self, needs: int, proposals: int) -> None:
        pass


UNREPORTED = Unreported()


def meeting_named(access: ParkAccess, command: cmd.PlanMeeting, key: str | None) -> tuple[str, str | None]:
    """The id of the meeting a plan request makes (from its key: the same on every retry; else new) and
    the digest of the keyed request (None without a key)."""
    if key is None:
        return ids.new_id(), None
    digest = request_digest("plan_meeting", command)
    return keyed_id(key, access.group_id, access.park_id, "meeting"), digest


@dataclass(frozen=True)
class Stores:
    """The one write path of each of matchmaking's aggregates."""

    profiles: AggregateStore[Profile]
    groups: AggregateStore[GroupConfig]
    proposals: AggregateStore[Proposal]
    meetings: AggregateStore[Meeting]


def _namer(key: str | None, *scope: str) -> Callable[[], str]:
    """New ids: random without a key; with one, the same ids, in the same order, on every retry."""
    if key is None:
        return ids.new_id
    counter = itertools.count()
    return lambda: keyed_id(key, *scope, str(next(counter)))


def settles(
    method: Callable[Concatenate["MatchmakingService", P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate["MatchmakingService", P], Coroutine[Any, Any, R]]:
    """A request's write answers once this replica's own view has folded it (bounded by the service's
    consistency wait), so the next request to the same replica sees it without a token; the write's
    tokens still reach the response for the other replicas."""

    @functools.wraps(method)
    async def settled(self: "MatchmakingService", /, *args: P.args, **kwargs: P.kwargs) -> R:
        written = collecting()
        try:
            with written:
                result = await method(self, *args, **kwargs)
        finally:
            for token in written.tokens:
                record_write(token)  # to the request's own collector: the response's header
        if written.tokens:
            await self._settle(written.tokens)
        return result

    return settled


class MatchmakingService:
    def __init__(
        self,
        stores: Stores,
        view: MatchmakingView,
        known: GroupKnown,
        clock: Clock = utc_now,
        settle: Settle = settled_at_once,
    ) -> None:
        self._stores = stores
        self._view = view
        self._known = known
        self._clock = clock
        self._settle = settle

    async def seed_profile(self, command: cmd.SeedProfile) -> None:
        """SeedProfile: an onboarded enterprise gets a profile on the chain segment of its industry
        code. A redelivered event finds the profile there and changes nothing."""
        segment = segment_for_industry(command.industry_code)
        enterprise = Enterprise(command.tenant_id, command.park_id, command.group_id, command.name, segment)
        at = self._clock()
        await self._stores.profiles.change(
            command.tenant_id, lambda _: None, create=lambda: Profile.seed(enterprise, at)
        )

    async def retire_profile(self, command: cmd.RetireProfile) -> None:
        """RetireProfile: the enterprise takes no part in new matches (idempotent)."""
        profile = await self._stores.profiles.get(command.tenant_id)
        if profile is None or profile.enterprise.park_id != command.park_id or not profile.enterprise.active:
            return
        at = self._clock()
        await self._stores.profiles.change(command.tenant_id, lambda p: p.retire(at))

    @settles
    async def declare_profile(
        self, access: ParkAccess, command: cmd.DeclareProfile, key: str | None
    ) -> ProfilePublic:
        """DeclareProfile: replace what an enterprise offers and needs; operators also set `anchor`."""
        tenant_id = command.tenant_id
        current = require_profile(access, await self._stores.profiles.get(tenant_id), tenant_id)
        access.require(*WRITERS)
        if command.anchor is not None and command.anchor != current.enterprise.anchor:
            access.require(*STAFF)  # only staff mark anchor firms
        chain = (await self.config(current.enterprise.group_id)).chain
        offerings, needs = command.items(_namer(key, access.group_id, access.park_id, tenant_id))
        at = self._clock()

        def declare(profile: Profile) -> ProfilePublic:
            profile.declare(offerings, needs, chain, at, command.anchor)
            return profile_public(profile)

        idempotency = keyed(key, "declare_profile", command, ProfilePublic)
        return await self._stores.profiles.change(tenant_id, declare, idempotency=idempotency)

    @settles
    async def propose_for_need(
        self, access: ParkAccess, command: cmd.ProposeForNeed, key: str | None
    ) -> list[ProposalPublic]:
        """ProposeForNeed: the k best offerings for one need, each a proposal (MatchProposed)."""
        tenant_id = command.tenant_id
        profile = require_profile(access, await self._stores.profiles.get(tenant_id), tenant_id)
        need = profile.need(command.need_id)
        if need is None:
            raise NotFound(f"need {command.need_id} not found")
        access.require(*WRITERS)
        if not profile.enterprise.active:
            raise Conflict(f"enterprise {tenant_id} is retired from matchmaking")
        idempotency = keyed(key, "propose_for_need", command, list[ProposalPublic])
        if (first := await self._stores.profiles.answered(tenant_id, idempotency)) is not None:
            return first
        buyer = profile.enterprise
        new_id = _namer(key, buyer.group_id, buyer.park_id, tenant_id, "proposals")
        ranked = await self.ranking(buyer.group_id, lambda index: index.top(need, command.k))
        answers = [await self._propose(scored, buyer, new_id(), None) for scored in ranked]
        if idempotency is None:
            return answers
        return await self._stores.profiles.change(tenant_id, lambda _: answers, idempotency=idempotency)

    @settles
    async def accept_proposal(
        self, access: ParkAccess, command: cmd.AnswerProposal, key: str | None
    ) -> ProposalPublic:
        """AcceptProposal: one side accepts; both sides' acceptance makes MatchAccepted."""
        return await self._answer(
            access, command, Proposal.accept, keyed(key, "accept", command, ProposalPublic)
        )

    @settles
    async def decline_proposal(
        self, access: ParkAccess, command: cmd.AnswerProposal, key: str | None
    ) -> ProposalPublic:
        """DeclineProposal: either side declines (MatchDeclined); the pair is penalised from now on."""
        return await self._answer(
            access, command, Proposal.decline, keyed(key, "decline", command, ProposalPublic)
        )

    @settles
    async def close_deal(self, access: ParkAccess, command: cmd.CloseDeal, key: str | None) -> ProposalPublic:
        """CloseDeal: staff of either side's park record the deal an accepted match led to (DealClosed)."""
        found = await self._stores.proposals.get(command.proposal_id)
        current = require_proposal(access, found, command.proposal_id)

        def close(p: Proposal) -> None:
            c = command
            p.close_deal(c.value_cny, c.estimated_saving_cny, self._clock(), c.saving_percent)

        idempotency = keyed(key, "close_deal", command, ProposalPublic)
        return await self._change_proposal(current.proposal_id, close, idempotency)

    @settles
    async def plan_meeting(
        self, access: ParkAccess, command: cmd.PlanMeeting, key: str | None
    ) -> MeetingPublic:
        """PlanMeeting (staff): top k proposals for every open need of the park's active enterprises,
        each pair of enterprises once (MatchProposed for the new ones); the enterprises involved are
        invited. The park is one the directory knows, in the caller's group (`StaffScope`)."""
        meeting_id, _ = meeting_named(access, command, key)
        return await self.plan(
            access.park_id, access.group_id, meeting_id, command, key=key, progress=UNREPORTED
        )

    async def plan(
        self,
        park_id: str,
        group_id: str,
        meeting_id: str,
        command: cmd.PlanMeeting,
        *,
        key: str | None,
        progress: "PlanProgress",
    ) -> MeetingPublic:
        """The meeting `meeting_id` planned (the synchronous call's, or a batch's: `meeting_batches`),
        its progress told to `progress`: the open needs, then the needs ranked and proposals written."""
        idempotency = keyed(key, "plan_meeting", command, MeetingPublic)
        if (first := await self._stores.meetings.answered(meeting_id, idempotency)) is not None:
            await progress.started(0)
            return first
        meeting = Meeting(meeting_id, park_id, group_id, command.title, command.held_on, {})
        new_id = _namer(key, group_id, park_id, "meeting-proposals")
        profiles = [
            p
            for p in self._view.profiles_in(park_id)
            if p.enterprise.group_id == group_id and p.enterprise.active
        ]
        buyers = {p.enterprise.enterprise_id: p.enterprise for p in profiles}
        needs = open_needs((n for p in profiles for n in p.needs), command.held_on)
        await progress.started(len(needs))
        planned = await self._plan(group_id, needs, command.top_k, progress)
        for written, scored in enumerate(planned, start=1):
            buyer = buyers[scored.need.enterprise_id]
            proposal = await self._propose(scored, buyer, new_id(), meeting_id)
            meeting.proposal_ids.append(proposal.proposal_id)
            meeting.participants[buyer.enterprise_id] = buyer.park_id
            meeting.participants[scored.supplier.enterprise_id] = scored.supplier.park_id
            if written % PROPOSALS_PER_REPORT == 0:
                await progress.advanced(0, PROPOSALS_PER_REPORT)
        await progress.advanced(0, len(planned) % PROPOSALS_PER_REPORT)
        return await self._stores.meetings.change(
            meeting_id, meeting_public, create=lambda: meeting, idempotency=idempotency
        )

    @settles
    async def record_attendance(
        self, access: ParkAccess, command: cmd.RecordAttendance, key: str | None
    ) -> MeetingPublic:
        """RecordAttendance (staff): an invited enterprise attended (MatchmakingMeetingAttended, billed
        once)."""
        meeting_id = command.meeting_id
        require_meeting(access, await self._stores.meetings.get(meeting_id), meeting_id)

        def attend(meeting: Meeting) -> MeetingPublic:
            meeting.record_attendance(command.tenant_id, self._clock())
            return meeting_public(meeting)

        idempotency = keyed(key, "record_attendance", command, MeetingPublic)
        return await self._stores.meetings.change(meeting_id, attend, idempotency=idempotency)

    async def edit_chain_map(
        self, access: GroupAccess, command: cmd.EditChainMap, key: str | None
    ) -> ChainMapIO:
        """EditChainMap: a group admin replaces its group's segments and edges."""
        chain = IndustryChainMap.of(command.segments, command.edges)
        used = self._view.segments_in_use(access.group_id)

        def edit(config: GroupConfig) -> ChainMapIO:
            config.replace_chain(chain, used)
            return chain_public(config)

        return await self._change_group(
            access.group_id, edit, keyed(key, "edit_chain_map", command, ChainMapIO)
        )

    async def configure_matching(
        self, access: GroupAccess, command: cmd.ConfigureMatching, key: str | None
    ) -> SettingsIO:
        """ConfigureMatching: a group admin sets the score weights and whether matching crosses parks."""

        def configure(config: GroupConfig) -> SettingsIO:
            config.weights, config.group_wide = command.weights, command.group_wide
            return settings_public(config)

        idempotency = keyed(key, "configure_matching", command, SettingsIO)
        return await self._change_group(access.group_id, configure, idempotency)

    async def _propose(
        self, scored: Scored, buyer: Enterprise, proposal_id: str, meeting_id: str | None
    ) -> ProposalPublic:
        """A proposal for this pair; an open or accepted one for the same need and offering (each
        named with its owner, never by its client-chosen id alone) is reused: the view knows the pair's
        latest proposal, the store its status."""
        latest = self._view.proposal_for(pair_of(scored, buyer))
        existing = await self._stores.proposals.get(latest) if latest else None
        if existing is not None and existing.status is not Status.DECLINED:
            return proposal_public(existing)
        at = self._clock()
        return await self._stores.proposals.change(
            proposal_id,
            proposal_public,
            create=lambda: Proposal.propose(proposal_id, scored, buyer, at, meeting_id),
        )

    async def _answer(
        self,
        access: ParkAccess,
        command: cmd.AnswerProposal,
        answer: Callable[[Proposal, str, datetime], None],
        idempotency: Idempotency[ProposalPublic] | None,
    ) -> ProposalPublic:
        """One side's answer: the caller's own enterprise, or the side staff name."""
        found = await self._stores.proposals.get(command.proposal_id)
        current = require_proposal(access, found, command.proposal_id)
        side = acting_side(access, current, command.enterprise_id)
        return await self._change_proposal(
            current.proposal_id, lambda p: answer(p, side, self._clock()), idempotency
        )

    async def _change_proposal(
        self,
        proposal_id: str,
        change: Callable[[Proposal], None],
        idempotency: Idempotency[ProposalPublic] | None,
    ) -> ProposalPublic:
        def apply(proposal: Proposal) -> ProposalPublic:
            change(proposal)
            return proposal_public(proposal)

        return await self._stores.proposals.change(proposal_id, apply, idempotency=idempotency)

    async def _change_group(
        self, group_id: str, change: Callable[[GroupConfig], R], idempotency: Idempotency[R] | None
    ) -> R:
        """Stored only for a group that owns a park the directory knows: nothing for made-up groups;
        the shipped default until the group's first change."""
        if not await self._known(group_id):
            raise NotFound(f"group {group_id} not found")
        default = lambda: GroupConfig.default(group_id)  # noqa: E731
        return await self._stores.groups.change(group_id, change, create=default, idempotency=idempotency)

    async def config(self, group_id: str) -> GroupConfig:
        """The group's configuration as stored; the shipped default (kept nowhere) until the group edits
        it. Read from the store by every replica, so all rank with the same one."""
        return await self._stores.groups.get(group_id) or GroupConfig.default(group_id)

    async def _plan(self, group_id: str, needs: list[Need], k: int, progress: "PlanProgress") -> list[Scored]:
        """A meeting's plan, ranked `NEEDS_PER_SLICE` needs at a time with the event loop free between
        slices (thousands of needs are a minute of CPU: in one go, every request, fold and heartbeat
        of this process would wait for it). The index is the one the stored configuration selected at
        the start; a profile folded meanwhile drops the view's index, not this one, so the whole plan
        ranks the same offerings (a decline folded meanwhile counts from the next slice on)."""
        index = await self.ranking(group_id, lambda found: found)
        ranked: list[Scored] = []
        async for part in in_slices(needs, NEEDS_PER_SLICE):
            ranked.extend(ranked_for(index, part, k))
            await progress.advanced(len(part), 0)
        return best_per_pair(ranked)

    async def ranking(self, group_id: str, rank: Callable[[MatchIndex], R]) -> R:
        """`rank` over the group's index, built with the stored configuration; no `await` between the
        configuration's check and the ranking, so no fold or other request changes the index meanwhile."""
        config = await self.config(group_id)
        return rank(self._view.ranking(config))
