"""The in-memory read model every request reads: profiles, group configurations, one matching index per
park group, proposals and meetings. Rebuilt from the store at start-up, then kept current by every
write (store first, then memory: a copy, never what the store changes next). One replica owns a store;
several would each need to follow the others' writes (not built: see the issue note)."""

from matchmaking.domain.group import GroupConfig
from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import PairKey, Proposal, Status


class ReadModel:
    def __init__(self) -> None:
        self.profiles: dict[str, Profile] = {}
        self.groups: dict[str, GroupConfig] = {}
        self.proposals: dict[str, Proposal] = {}
        self.meetings: dict[str, Meeting] = {}
        self._indexes: dict[str, MatchIndex] = {}
        self._by_pair: dict[PairKey, str] = {}  # the owners' need and offering -> latest proposal id

    def load(
        self,
        profiles: list[Profile],
        groups: list[GroupConfig],
        proposals: list[Proposal],
        meetings: list[Meeting],
    ) -> None:
        self.groups = {g.group_id: g for g in groups}
        for profile in profiles:
            self.put_profile(profile)
        for proposal in sorted(proposals, key=lambda p: p.proposed_at):
            self.put_proposal(proposal)
        self.meetings = {m.meeting_id: m for m in meetings}

    def group(self, group_id: str) -> GroupConfig:
        """The group's configuration; the shipped default (kept nowhere) until the group edits it."""
        return self.groups.get(group_id) or GroupConfig.default(group_id)

    def index(self, group_id: str) -> MatchIndex:
        index = self._indexes.get(group_id)
        if index is None:
            config = self.group(group_id)
            index = self._indexes[group_id] = MatchIndex(config.chain, config.weights, config.group_wide)
        return index

    def put_group(self, config: GroupConfig) -> None:
        """A changed configuration rebuilds the group's index from the profiles and declines."""
        self.groups[config.group_id] = config
        self._indexes.pop(config.group_id, None)
        for profile in self.profiles.values():
            if profile.enterprise.group_id == config.group_id:
                self._index_profile(profile)
        for proposal in self.proposals.values():
            if proposal.group_id == config.group_id and proposal.status is Status.DECLINED:
                self.index(config.group_id).record_decline(proposal.buyer_id, proposal.supplier_id)

    def profile(self, park_id: str, tenant_id: str) -> Profile | None:
        """An enterprise's profile in this park. Tenant ids are leasing's (generated there), yet the
        park is checked too, so a profile is never reached through another park."""
        profile = self.profiles.get(tenant_id)
        return profile if profile is not None and profile.enterprise.park_id == park_id else None

    def profiles_in(self, park_id: str) -> list[Profile]:
        found = [p for p in self.profiles.values() if p.enterprise.park_id == park_id]
        return sorted(found, key=lambda p: p.enterprise.enterprise_id)

    def meetings_in(self, park_id: str) -> list[Meeting]:
        found = [m for m in self.meetings.values() if m.park_id == park_id]
        return sorted(found, key=lambda m: (m.held_on, m.meeting_id))

    def put_meeting(self, meeting: Meeting) -> None:
        self.meetings[meeting.meeting_id] = meeting

    def put_profile(self, profile: Profile) -> None:
        self.profiles[profile.enterprise.enterprise_id] = profile
        self._index_profile(profile)

    def _index_profile(self, profile: Profile) -> None:
        index = self.index(profile.enterprise.group_id)
        index.put_enterprise(profile.enterprise)
        index.put_offerings(profile.enterprise.enterprise_id, profile.offerings)

    def put_proposal(self, proposal: Proposal) -> None:
        self.proposals[proposal.proposal_id] = proposal
        self._by_pair[proposal.pair] = proposal.proposal_id
        if proposal.status is Status.DECLINED:
            self.index(proposal.group_id).record_decline(proposal.buyer_id, proposal.supplier_id)

    def proposal_for(self, pair: PairKey) -> Proposal | None:
        """The latest proposal of this offering for this need, if any."""
        proposal_id = self._by_pair.get(pair)
        return self.proposals.get(proposal_id) if proposal_id else None

    def segments_in_use(self, group_id: str) -> set[str]:
        used: set[str] = set()
        for profile in self.profiles.values():
            if profile.enterprise.group_id == group_id:
                segments = [profile.enterprise.segment]
                segments += [o.segment for o in profile.offerings] + [n.segment for n in profile.needs]
                used.update(s for s in segments if s)
        return used
