"""Parks are stored one document each; state and the events it recorded are one commit (outbox).

The runtime's AggregateCollection gives each version of a park to exactly one writer, on FerretDB as
on MongoDB, and finishes the write of a writer that died half-way.

Every lookup scans the collection on FerretDB, so each replica keeps the parks it read or wrote in
memory: reads are served from there for `fresh_for` seconds (they may lag another replica's write by
that much, never this replica's own), and a write's first attempt starts from there too. Writes stay
correct regardless: a stale start loses its version and retries from the store. Parks can be spread
over several collections (`parkops_runtime.shards`), since a lookup's cost on FerretDB grows with its
collection."""

import time
from collections.abc import Callable
from typing import Any, Protocol

from parkops_contracts.base import Event
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import VERSION
from parkops_runtime.shards import Shards

from leasing.domain.park import Park
from leasing.park_codec import park_fields, park_of


class ParkRepository(Protocol):
    async def get(self, park_id: str, fresh: bool = False) -> Park | None: ...
    async def list_for_group(self, group_id: str) -> list[Park]: ...
    async def add(self, park: Park) -> None: ...
    async def save(self, park: Park) -> None: ...


class MongoParkRepository:
    def __init__(
        self,
        shards: Shards,
        outbound: Callable[[Event], OutboundEvent],
        fresh_for: float = 1.0,
    ) -> None:
        self._shards = shards
        self._outbound = outbound
        self._fresh_for = fresh_for
        self._known: dict[str, tuple[float, dict[str, Any]]] = {}  # park id -> (read at, document)

    async def get(self, park_id: str, fresh: bool = False) -> Park | None:
        """The park; from memory when read or written here within `fresh_for` s, unless `fresh`."""
        known = self._known.get(park_id)
        if known and not fresh and time.monotonic() - known[0] < self._fresh_for:
            return park_of(known[1])
        doc = await self._shards.of(park_id).get(park_id)
        if doc is None:
            return None
        self._remember(doc)
        return park_of(doc)

    async def list_for_group(self, group_id: str) -> list[Park]:
        found = []
        for shard in self._shards.all():
            found += [park_of(doc) async for doc in shard.collection.find({"group_id": group_id})]
        return sorted(found, key=lambda park: park.park_id)

    async def add(self, park: Park) -> None:
        fields = park_fields(park)
        await self._shards.of(park.park_id).insert(park.park_id, fields, self._drain(park))
        park.version = 1
        self._remember({"_id": park.park_id, VERSION: 1, **fields})

    async def save(self, park: Park) -> None:
        """Write state and events as version + 1; ConcurrencyConflict when another request got there first."""
        fields, events = park_fields(park), self._drain(park)
        try:
            await self._shards.of(park.park_id).update(park.park_id, park.version, fields, events)
        except ConcurrencyConflict:
            self._known.pop(park.park_id, None)
            raise
        park.version += 1
        self._remember({"_id": park.park_id, VERSION: park.version, **fields})

    def _remember(self, doc: dict[str, Any]) -> None:
        self._known[doc["_id"]] = (time.monotonic(), doc)

    def _drain(self, park: Park) -> list[OutboundEvent]:
        outbound = [self._outbound(e) for e in park.events]
        park.events.clear()
        return outbound
