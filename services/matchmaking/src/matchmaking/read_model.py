"""The read model every replica holds whole (a `ReplicatedView` of the runtime): the profiles and one
ranking index per park group, folded from matchmaking's own events, so any replica ranks what any other
does once it has folded the same log.

- Profiles come from `ProfileChanged` (the whole profile after each change; a version older than the one
  folded, i.e. a redelivery, changes nothing).
- Which proposal a need and an offering already have, and the pairs that declined each other (the
  ranking's penalty), come from `MatchProposed` and `MatchDeclined`; the latest proposal of a pair is the
  one proposed last (then the greater id), whatever order the partitions arrive in.
- A group's configuration (chain map, weights, group-wide) is not folded: it is read from the store when
  a ranking is asked for (one document by id), and an index built with another configuration is rebuilt
  then. Proposals and meetings themselves are read from the store (`repository.Collections`).

Folding is synchronous (the runtime saves a snapshot between two folds); `dump`/`restore` carry the
folded facts, and the indexes are rebuilt from them."""

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from parkops_contracts.events.matchmaking import MatchDeclined, MatchProposed, ProfileChanged
from parkops_runtime.consistency import VERSION_HEADER
from parkops_runtime.consumer import Delivery

from matchmaking.domain.group import GroupConfig
from matchmaking.domain.matcher import MatchIndex
from matchmaking.domain.profiles import Profile, profile_of
from matchmaking.domain.proposal import PairKey


@dataclass(frozen=True, slots=True)
class Proposed:
    """What the ranking and the proposal reuse need of a proposal."""

    proposal_id: str
    group_id: str
    pair: PairKey
    proposed_at: datetime

    @classmethod
    def of(cls, e: MatchProposed) -> "Proposed":
        buyer = (e.group_id, e.park_id, e.buyer_id, e.need_id)
        supplier = (e.group_id, e.supplier_park_id, e.supplier_id, e.offering_id)
        return cls(e.proposal_id, e.group_id, (buyer, supplier), e.proposed_at)

    @property
    def order(self) -> tuple[datetime, str]:
        return self.proposed_at, self.proposal_id


class MatchmakingView:
    def __init__(self) -> None:
        self.profiles: dict[str, Profile] = {}
        self._facts: dict[str, tuple[int, ProfileChanged]] = {}  # tenant -> (version, last ProfileChanged)
        self._proposed: dict[str, Proposed] = {}
        self._by_pair: dict[PairKey, str] = {}  # the owners' need and offering -> latest proposal id
        self._declined: dict[str, tuple[str, str, str]] = {}  # proposal id -> (group, buyer, supplier)
        self._configs: dict[str, GroupConfig] = {}  # the configuration each group's index was built with
        self._indexes: dict[str, MatchIndex] = {}  # built on demand; dropped when a profile changes

    # -- folding ---------------------------------------------------------------------------------------

    def fold(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            match delivery.event:
                case ProfileChanged() as e:
                    self._profile_changed(e, int(delivery.headers.get(VERSION_HEADER, "0") or 0))
                case MatchProposed() as e:
                    self._match_proposed(Proposed.of(e))
                case MatchDeclined() as e:
                    self._match_declined(e.proposal_id, e.group_id, e.buyer_id, e.supplier_id)

    def _profile_changed(self, e: ProfileChanged, version: int) -> None:
        known = self._facts.get(e.tenant_id)
        if known is not None and version and version <= known[0]:
            return  # a redelivery of this change or of an older one
        self._facts[e.tenant_id] = (version, e)
        self.profiles[e.tenant_id] = profile_of(e)
        self._indexes.pop(e.group_id, None)

    def _match_proposed(self, proposed: Proposed) -> None:
        self._proposed[proposed.proposal_id] = proposed
        latest = self._proposed.get(self._by_pair.get(proposed.pair, ""))
        if latest is None or proposed.order >= latest.order:
            self._by_pair[proposed.pair] = proposed.proposal_id

    def _match_declined(self, proposal_id: str, group_id: str, buyer_id: str, supplier_id: str) -> None:
        self._declined[proposal_id] = (group_id, buyer_id, supplier_id)
        if (index := self._indexes.get(group_id)) is not None:
            index.record_decline(buyer_id, supplier_id)

    # -- snapshots -------------------------------------------------------------------------------------

    def dump(self) -> bytes:
        return json.dumps(
            {
                "profiles": [[v, e.model_dump(mode="json")] for v, e in self._facts.values()],
                "proposed": [
                    [p.proposal_id, p.group_id, list(p.pair[0]), list(p.pair[1]), p.proposed_at.isoformat()]
                    for p in self._proposed.values()
                ],
                "declined": [[pid, *who] for pid, who in self._declined.items()],
            }
        ).encode()

    def restore(self, state: bytes) -> None:
        loaded = json.loads(state)
        self.profiles.clear()
        for kept in (
            self._facts,
            self._proposed,
            self._by_pair,
            self._declined,
            self._configs,
            self._indexes,
        ):
            kept.clear()
        for version, fields in loaded["profiles"]:
            self._profile_changed(ProfileChanged.model_validate(fields), version)
        for pid, group, buyer, supplier, at in loaded["proposed"]:
            pair = (tuple(buyer), tuple(supplier))
            self._match_proposed(Proposed(pid, group, pair, datetime.fromisoformat(at)))
        for pid, group, buyer, supplier in loaded["declined"]:
            self._match_declined(pid, group, buyer, supplier)

    # -- reads -----------------------------------------------------------------------------------------

    def ranking(self, config: GroupConfig) -> MatchIndex:
        """The group's index, ranking with `config` (the stored one). It is built from the group's
        profiles in tenant order and its declines, so it depends on nothing but them: not on the order
        the partitions were folded in, nor on a snapshot (a replaced offering leaves nothing behind). A
        profile changed since, or another configuration, builds it again."""
        group_id = config.group_id
        index = self._indexes.get(group_id)
        if index is not None and self._configs.get(group_id) == config:
            return index
        config = self._configs[group_id] = copy.deepcopy(config)
        index = self._indexes[group_id] = MatchIndex(config.chain, config.weights, config.group_wide)
        for tenant_id in sorted(self.profiles):
            profile = self.profiles[tenant_id]
            if profile.enterprise.group_id == group_id:
                index.put_enterprise(profile.enterprise)
                index.put_offerings(tenant_id, profile.offerings)
        for group, buyer, supplier in self._declined.values():
            if group == group_id:
                index.record_decline(buyer, supplier)
        return index

    def profile(self, park_id: str, tenant_id: str) -> Profile | None:
        """An enterprise's profile in this park. Tenant ids are leasing's (generated there), yet the
        park is checked too, so a profile is never reached through another park."""
        profile = self.profiles.get(tenant_id)
        return profile if profile is not None and profile.enterprise.park_id == park_id else None

    def profiles_in(self, park_id: str) -> list[Profile]:
        found = [p for p in self.profiles.values() if p.enterprise.park_id == park_id]
        return sorted(found, key=lambda p: p.enterprise.enterprise_id)

    def proposal_for(self, pair: PairKey) -> str | None:
        """The id of the latest proposal of this offering for this need, if any."""
        return self._by_pair.get(pair)

    def segments_in_use(self, group_id: str) -> set[str]:
        used: set[str] = set()
        for profile in self.profiles.values():
            if profile.enterprise.group_id == group_id:
                segments = [profile.enterprise.segment]
                segments += [o.segment for o in profile.offerings] + [n.segment for n in profile.needs]
                used.update(s for s in segments if s)
        return used
