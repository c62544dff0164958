"""Test support shipped with the runtime: an in-memory `Aggregates`, so a service's use cases run in unit
tests through the same `AggregateStore` as in production, without a broker or a store."""

import copy
from collections.abc import Sequence
from typing import TypeVar

from parkops_contracts.base import Event

from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.outbox import VERSION

E = TypeVar("E", bound=Event)


class MemoryAggregates:
    """Versioned documents in a dict; the events of every write, in order, in `published`."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.published: list[OutboundEvent] = []

    async def get(self, doc_id: str) -> Document | None:
        found = self.documents.get(doc_id)
        return copy.deepcopy(found) if found is not None else None

    def events(self, contract: type[E]) -> list[E]:
        """The published events of one contract, in the order they were written."""
        return [
            contract.model_validate_json(e.value)
            for e in self.published
            if e.headers.get("ce_type") == contract.ce_type()
        ]

    async def get_many(self, doc_ids: Sequence[str]) -> list[Document]:
        return [copy.deepcopy(self.documents[d]) for d in doc_ids if d in self.documents]

    async def version(self, doc_id: str) -> int:
        return int(self.documents[doc_id][VERSION]) if doc_id in self.documents else 0

    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None:
        if doc_id in self.documents:
            raise ConcurrencyConflict(f"{doc_id} exists")
        self._write(doc_id, 1, fields, events)

    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        current = self.documents.get(doc_id)
        if current is None or current[VERSION] != expected_version:
            raise ConcurrencyConflict(f"{doc_id} is not at version {expected_version}")
        self._write(doc_id, expected_version + 1, fields, events)

    def _write(self, doc_id: str, version: int, fields: Document, events: Sequence[OutboundEvent]) -> None:
        self.documents[doc_id] = {"_id": doc_id, **copy.deepcopy(fields), VERSION: version}
        self.published.extend(events)
