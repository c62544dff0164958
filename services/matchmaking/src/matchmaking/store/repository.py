"""Mongo collections of the aggregates. Every write is one document: state plus the events it
recorded (outbox), with optimistic concurrency on `_version`. Reads happen once, at start-up, to
rebuild the in-memory state (FerretDB scans every lookup; see docs/adr/0006-ferretdb-and-its-limits.md)."""

from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from parkops_contracts.base import Event
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection

from matchmaking.store.codec import Doc

A = TypeVar("A", bound="Versioned")


class Versioned(Protocol):
    version: int


class Repository(Generic[A]):
    """One aggregate type: `key` names its id, `to_doc` / `from_doc` translate it."""

    def __init__(
        self,
        collection: AggregateCollection,
        outbound: Callable[[Event], OutboundEvent],
        key: Callable[[A], str],
        to_doc: Callable[[A], Doc],
        from_doc: Callable[[Doc], A],
    ) -> None:
        self._collection = collection
        self._outbound = outbound
        self._key = key
        self._to_doc = to_doc
        self._from_doc = from_doc

    async def all(self) -> list[A]:
        cursor = self._collection.collection.find({})
        return [self._from_doc(doc) async for doc in cursor]

    async def add(self, aggregate: A, events: Sequence[Event] = ()) -> None:
        """Insert; ConcurrencyConflict when the id is taken."""
        outbound = [self._outbound(e) for e in events]
        await self._collection.insert(self._key(aggregate), self._to_doc(aggregate), outbound)
        aggregate.version = 1

    async def save(self, aggregate: A, events: Sequence[Event] = ()) -> None:
        """Update from the version loaded; ConcurrencyConflict when someone wrote in between."""
        outbound = [self._outbound(e) for e in events]
        await self._collection.update(
            self._key(aggregate), aggregate.version, self._to_doc(aggregate), outbound
        )
        aggregate.version += 1
