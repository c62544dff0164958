"""One document per park holds its books; state, applied causes and recorded events are one write.

The books are stored packed (`parkops_runtime.packed`); documents of the earlier plain layout are still
read."""

from collections.abc import Callable
from typing import Protocol

from parkops_contracts.base import Event
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import VERSION, AggregateCollection
from parkops_runtime.packed import STATE, pack, unpack

from finance.domain.books import ParkBooks


class BooksRepository(Protocol):
    async def get(self, park_id: str) -> ParkBooks | None: ...
    async def version_of(self, park_id: str) -> int | None: ...
    async def save(self, books: ParkBooks) -> None: ...


class MongoBooksRepository:
    def __init__(self, books: AggregateCollection, outbound: Callable[[Event], OutboundEvent]) -> None:
        self._books = books
        self._outbound = outbound

    async def get(self, park_id: str) -> ParkBooks | None:
        doc = await self._books.get(park_id)
        if doc is None:
            return None
        return unpack(ParkBooks, doc, "park_id")

    async def version_of(self, park_id: str) -> int | None:
        doc = await self._books.collection.find_one({"_id": park_id}, {VERSION: 1})
        return doc[VERSION] if doc else None

    async def save(self, books: ParkBooks) -> None:
        """Insert new books, or update them unless written since they were read (ConcurrencyConflict)."""
        fields = {"group_id": books.group_id, STATE: pack(books, exclude={"version"})}
        outbound = [self._outbound(e) for e in books.events]
        if books.version == 0:
            await self._books.insert(books.park_id, fields, outbound)
        else:
            await self._books.update(books.park_id, books.version, fields, outbound)
        books.events.clear()
        books.version += 1


class InMemoryBooksRepository:
    """For unit tests of the use cases: the same contract without a store."""

    def __init__(self) -> None:
        self.docs: dict[str, str] = {}
        self.published: list[Event] = []

    async def get(self, park_id: str) -> ParkBooks | None:
        doc = self.docs.get(park_id)
        return ParkBooks.model_validate_json(doc) if doc else None

    async def version_of(self, park_id: str) -> int | None:
        doc = self.docs.get(park_id)
        return ParkBooks.model_validate_json(doc).version if doc else None

    async def save(self, books: ParkBooks) -> None:
        stored = self.docs.get(books.park_id)
        if (ParkBooks.model_validate_json(stored).version if stored else 0) != books.version:
            raise ConcurrencyConflict(f"books {books.park_id} changed since version {books.version}")
        self.published.extend(books.events)
        books.events.clear()
        books.version += 1
        self.docs[books.park_id] = books.model_dump_json()
