"""The in-memory read models of every park, folds of the facts the other services publish.

Each park has its occupancy header (name, facts applied, time of the latest) and its ledger (every fact a
KPI is computed from). The folds are part of kpi's replicated view (`kpi.view`): every replica folds every
event of its topics, so an event delivered twice (a relay that republished it) must change nothing: each
park keeps the ids of the facts it folded and skips one seen before.

Folds are kept per (group, park) as the events name them, and a reader only ever gets the fold of the
group that owns the park in the directory: an event naming another group for a park id counts nowhere.
Deciding when reading, not when folding, keeps the folds order-independent: the directory learns a park
on a consumer of its own, possibly after its first facts."""

from collections.abc import Iterable
from datetime import datetime

from parkops_contracts.base import Event

from kpi.domain.ledger import ParkLedger
from kpi.domain.occupancy import ParkOccupancy


class Projections:
    def __init__(self) -> None:
        self._parks: dict[tuple[str, str], ParkOccupancy] = {}
        self._ledgers: dict[str, dict[str, ParkLedger]] = {}
        """group -> park -> ledger"""
        self._seen: dict[tuple[str, str], set[str]] = {}
        """(group, park) -> the ids of the facts folded (a second delivery of one changes nothing)"""

    def apply(self, event: Event, at: datetime, event_id: str = "") -> bool:
        """Fold one fact; False, and nothing changed, for an id folded before."""
        key = (event.group_id, event.park_id)
        park = self._parks.get(key)
        if park is None:
            park = self._parks[key] = ParkOccupancy(event.park_id, event.group_id)
            ledger = ParkLedger(event.park_id, event.group_id)
            self._ledgers.setdefault(event.group_id, {})[event.park_id] = ledger
            self._seen[key] = set()
        seen = self._seen[key]
        if event_id:
            if event_id in seen:
                return False
            seen.add(event_id)
        park.apply(event, at)
        self._ledgers[event.group_id][event.park_id].apply(event, event_id, at)
        return True

    def apply_all(self, events: Iterable[tuple[Event, datetime, str]]) -> None:
        for event, at, event_id in events:
            self.apply(event, at, event_id)

    def state(self) -> object:
        """What a snapshot keeps (`kpi.view`)."""
        return self._parks, self._ledgers, self._seen

    def restore(self, state: object) -> None:
        self._parks, self._ledgers, self._seen = state  # type: ignore[misc]

    def park(self, park_id: str, group_id: str) -> ParkOccupancy:
        """The occupancy of the park from the group's events (empty before the first one)."""
        return self._parks.get((group_id, park_id)) or ParkOccupancy(park_id, group_id)

    def parks(self) -> list[ParkOccupancy]:
        return list(self._parks.values())

    def ledger(self, park_id: str, group_id: str) -> ParkLedger:
        """The ledger of the park from the group's events (empty before the first one)."""
        return self._ledgers.get(group_id, {}).get(park_id) or ParkLedger(park_id, group_id)

    def ledgers_of(self, group_id: str) -> list[ParkLedger]:
        """The ledgers of the parks the group's events name (the directory still decides who owns each)."""
        return list(self._ledgers.get(group_id, {}).values())
