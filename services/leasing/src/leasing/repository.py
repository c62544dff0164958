"""Parks are stored one document each; state and recorded events are written together (outbox)."""

from collections.abc import Callable
from typing import Protocol

from parkops_contracts.base import Event
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import VERSION, AggregateCollection

from leasing.domain.park import Park


class ParkRepository(Protocol):
    async def get(self, park_id: str) -> Park | None: ...
    async def list_for_group(self, group_id: str) -> list[Park]: ...
    async def add(self, park: Park) -> None: ...
    async def save(self, park: Park) -> None: ...


class MongoParkRepository:
    def __init__(self, parks: AggregateCollection, outbound: Callable[[Event], OutboundEvent]) -> None:
        self._parks = parks
        self._outbound = outbound

    async def get(self, park_id: str) -> Park | None:
        doc = await self._parks.collection.find_one({"_id": park_id}, {"_outbox": False})
        return self._to_park(doc) if doc else None

    async def list_for_group(self, group_id: str) -> list[Park]:
        cursor = self._parks.collection.find({"group_id": group_id}, {"_outbox": False}).sort("_id")
        return [self._to_park(doc) async for doc in cursor]

    async def add(self, park: Park) -> None:
        await self._parks.insert(park.park_id, self._fields(park), self._drain(park))
        park.version = 1

    async def save(self, park: Park) -> None:
        await self._parks.update(park.park_id, park.version, self._fields(park), self._drain(park))
        park.version += 1

    def _drain(self, park: Park) -> list[OutboundEvent]:
        outbound = [self._outbound(e) for e in park.events]
        park.events.clear()
        return outbound

    @staticmethod
    def _fields(park: Park) -> dict[str, object]:
        return park.model_dump(mode="json", exclude={"park_id", "version"})

    @staticmethod
    def _to_park(doc: dict[str, object]) -> Park:
        return Park.model_validate({**doc, "park_id": doc["_id"], "version": doc[VERSION]})
