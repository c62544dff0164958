"""The in-memory read model of every park, a fold of the facts stored in the inbox.

Facts are the durable truth (one document per event, unique by CloudEvents id); this fold is rebuilt
from them at start-up and then advanced by each consumed batch, so reads never wait on the store."""

from collections.abc import AsyncIterator, Iterable
from datetime import datetime

from parkops_contracts.base import Event
from parkops_contracts.events import BY_CE_TYPE

from kpi.domain.occupancy import ParkOccupancy


class Projections:
    def __init__(self) -> None:
        self._parks: dict[str, ParkOccupancy] = {}

    def apply(self, event: Event, at: datetime) -> None:
        park = self._parks.get(event.park_id)
        if park is None:
            park = self._parks[event.park_id] = ParkOccupancy(event.park_id, event.group_id)
        park.apply(event, at)

    def apply_all(self, events: Iterable[tuple[Event, datetime]]) -> None:
        for event, at in events:
            self.apply(event, at)

    async def load(self, facts: AsyncIterator[dict[str, object]]) -> int:
        count = 0
        async for fact in facts:
            contract = BY_CE_TYPE[str(fact["type"])]
            self.apply(
                contract.model_validate_json(str(fact["data"])), datetime.fromisoformat(str(fact["time"]))
            )
            count += 1
        return count

    def park(self, park_id: str) -> ParkOccupancy | None:
        return self._parks.get(park_id)

    def parks(self) -> list[ParkOccupancy]:
        return list(self._parks.values())
