"""The in-memory read models of every park, folds of the facts the other services publish.

Each park has its occupancy header (name, facts applied, time of the latest) and its ledger (every fact a
KPI is computed from). The folds are part of kpi's replicated view (`kpi.view`): every replica folds every
event of its topics, so an event delivered twice (a relay that republished it) must change nothing: a fact
counted once (a revenue line, a ticket's resolution or rating) is found under its event id however old,
a fact keyed by what it describes (a unit, a lease...) is the same fact again, and the view skips an id
among the recent ones of its partition (`kpi.view`). No id is kept per event to deduplicate.

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

    def apply(self, event: Event, at: datetime, event_id: str) -> bool:
        """Fold one fact; False, and nothing changed, for a fact folded before under the same id."""
        key = (event.group_id, event.park_id)
        park = self._parks.get(key)
        if park is None:
            park = self._parks[key] = ParkOccupancy(event.park_id, event.group_id)
            ledger = ParkLedger(event.park_id, event.group_id)
            self._ledgers.setdefault(event.group_id, {})[event.park_id] = ledger
        if not self._ledgers[event.group_id][event.park_id].apply(event, event_id, at):
            return False
        park.apply(event, at)
        return True

    def apply_all(self, events: Iterable[tuple[Event, datetime, str]]) -> None:
        for event, at, event_id in events:
            self.apply(event, at, event_id)

    def state(self) -> object:
        """What a snapshot keeps (`kpi.view`)."""
        return self._parks, self._ledgers

    def restore(self, state: object) -> None:
        self._parks, self._ledgers = state  # type: ignore[misc]

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
