"""The in-memory read models of every park, folds of the facts stored in the inbox.

Facts are the durable truth (one document per event, unique by CloudEvents id); these folds are rebuilt
from them at start-up and then advanced by each consumed batch, so reads never wait on the store. Each
park has its occupancy (the first slice's live view) and its ledger (every fact a KPI is computed from).

Folds are kept per (group, park) as the events name them, and a reader only ever gets the fold of the
group that owns the park in the directory: an event naming another group for a park id counts nowhere
(it stays in the inbox as received). Deciding when reading, not when consuming, keeps the folds
order-independent: the directory learns a park on a consumer of its own, possibly after its first facts."""

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime

from parkops_contracts.base import Event
from parkops_runtime.consumer import Delivery
from parkops_runtime.inbox import Inbox, event_of
from parkops_runtime.mongo import Document
from parkops_runtime.tasks import stop_task
from pymongo.asynchronous.collection import AsyncCollection

from kpi.domain.ledger import ParkLedger
from kpi.domain.occupancy import ParkOccupancy


def event_id_of(fact_id: str) -> str:
    """The CloudEvents id in an inbox `_id` (`<source>#<id>`)."""
    return fact_id.rpartition("#")[2]


class Projections:
    def __init__(self, inbox: Inbox | None = None) -> None:
        self._inbox = inbox
        self._parks: dict[tuple[str, str], ParkOccupancy] = {}
        self._ledgers: dict[str, dict[str, ParkLedger]] = {}
        """group -> park -> ledger"""

    async def take(self, deliveries: Sequence[Delivery]) -> None:
        """Record consumed events in the inbox (one bulk insert per batch), then fold the new ones: a
        redelivered or republished event is already in the inbox and is skipped."""
        assert self._inbox is not None, "Projections built without an inbox only fold"
        fresh = await self._inbox.record(deliveries)
        self.apply_all((d.event, d.meta.time, d.meta.id) for d in fresh)

    async def load_inbox(self) -> int:
        """Fold every fact the inbox holds (at start-up)."""
        assert self._inbox is not None, "Projections built without an inbox only fold"
        return await self.load_from(self._inbox.collection)

    def apply(self, event: Event, at: datetime, event_id: str = "") -> None:
        key = (event.group_id, event.park_id)
        park = self._parks.get(key)
        if park is None:
            park = self._parks[key] = ParkOccupancy(event.park_id, event.group_id)
            ledger = ParkLedger(event.park_id, event.group_id)
            self._ledgers.setdefault(event.group_id, {})[event.park_id] = ledger
        park.apply(event, at)
        self._ledgers[event.group_id][event.park_id].apply(event, event_id, at)

    def apply_all(self, events: Iterable[tuple[Event, datetime, str]]) -> None:
        for event, at, event_id in events:
            self.apply(event, at, event_id)

    async def load(self, facts: AsyncIterator[dict[str, object]]) -> int:
        count = 0
        async for fact in facts:
            self.apply_fact(fact)
            count += 1
        return count

    async def load_from(self, collection: AsyncCollection[Document], batch_size: int = 10_000) -> int:
        """Fold every stored fact, reading the next batch while the last one is folded."""
        queue: asyncio.Queue[list[Document] | None] = asyncio.Queue(maxsize=2)

        async def read() -> None:
            batch: list[Document] = []
            async for fact in collection.find({}, batch_size=batch_size):
                batch.append(fact)
                if len(batch) == batch_size:
                    await queue.put(batch)
                    batch = []
            await queue.put(batch)
            await queue.put(None)

        reader = asyncio.create_task(read())
        count = 0
        try:
            while (batch := await queue.get()) is not None:
                for fact in batch:
                    self.apply_fact(fact)
                count += len(batch)
                await asyncio.sleep(0)  # let the reader ask for the next batch
        finally:
            await stop_task(reader)
        return count

    def apply_fact(self, fact: Document) -> None:
        self.apply(
            event_of(fact),
            datetime.fromisoformat(str(fact["time"])),
            event_id_of(str(fact["_id"])),
        )

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
