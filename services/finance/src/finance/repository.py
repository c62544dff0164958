"""One document per park holds its books; state, applied causes and recorded events are one write."""

from collections.abc import Callable
from typing import Protocol

from parkops_contracts.base import Event
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import VERSION, AggregateCollection

from finance.domain.books import ParkBooks


class BooksRepository(Protocol):
    async def get(self, park_id: str) -> ParkBooks | None: ...
    async def save(self, books: ParkBooks) -> None: ...


class MongoBooksRepository:
    def __init__(self, books: AggregateCollection, outbound: Callable[[Event], OutboundEvent]) -> None:
        self._books = books
        self._outbound = outbound

    async def get(self, park_id: str) -> ParkBooks | None:
        doc = await self._books.get(park_id)
        if doc is None:
            return None
        return ParkBooks.model_validate({**doc, "park_id": doc["_id"], "version": doc[VERSION]})

    async def save(self, books: ParkBooks) -> None:
        """Insert new books, or update them unless written since they were read (ConcurrencyConflict)."""
        fields = books.model_dump(mode="json", exclude={"park_id", "version"})
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

    async def save(self, books: ParkBooks) -> None:
        stored = self.docs.get(books.park_id)
        if (ParkBooks.model_validate_json(stored).version if stored else 0) != books.version:
            raise ConcurrencyConflict(f"books {books.park_id} changed since version {books.version}")
        self.published.extend(books.events)
        books.events.clear()
        books.version += 1
        self.docs[books.park_id] = books.model_dump_json()
