"""Tickets are stored one document each; state and recorded events are written together (outbox).

Documents are spread over shards (see shards.py); due times are kept as BSON dates."""

import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from parkops_contracts.base import Event
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.outbox import VERSION
from parkops_runtime.shards import Shards
from pymongo.asynchronous.collection import AsyncCollection

from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.due_index import AUTO_CLOSE, DueEntry
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket

DUE_FIELDS = {f: 1 for f in ("park_id", "group_id", "category", "priority", "pending", "breaches")} | {
    "auto_close_at": 1,
    "rating": 1,
}


class TicketRepository:
    def __init__(self, shards: Shards, outbound: Callable[[Event], OutboundEvent]) -> None:
        self.shards = shards
        self._outbound = outbound

    async def get(self, ticket_id: str) -> Ticket | None:
        doc = await self.shards.of(ticket_id).get(ticket_id)
        return to_ticket(doc) if doc else None

    async def find(self, query: Document) -> list[Ticket]:
        found: list[Ticket] = []
        for shard in self.shards.all():
            found.extend([to_ticket(doc) async for doc in shard.collection.find(query)])
        return found

    async def due_documents(self) -> AsyncIterator[Document]:
        """What the due index needs of every ticket that may still be due for something."""
        query = {"state": {"$in": ["open", "acknowledged", "in_progress", "resolved"]}}
        for shard in self.shards.all():
            async for doc in shard.collection.find(query, DUE_FIELDS):
                yield doc

    async def add(self, ticket: Ticket) -> None:
        shard = self.shards.of(ticket.ticket_id)
        await shard.insert(ticket.ticket_id, fields(ticket), self._drain(ticket))
        ticket.version = 1

    async def save(self, ticket: Ticket) -> None:
        shard = self.shards.of(ticket.ticket_id)
        await shard.update(ticket.ticket_id, ticket.version, fields(ticket), self._drain(ticket))
        ticket.version += 1

    def _drain(self, ticket: Ticket) -> list[OutboundEvent]:
        outbound = [self._outbound(e) for e in ticket.events]
        ticket.events.clear()
        return outbound


def fields(ticket: Ticket) -> Document:
    doc = ticket.model_dump(mode="json", exclude={"ticket_id", "version"})
    doc["pending"] = {target.value: due for target, due in ticket.pending.items()}
    doc["auto_close_at"] = ticket.auto_close_at
    return doc


def to_ticket(doc: Document) -> Ticket:
    return Ticket.model_validate({**doc, "ticket_id": doc["_id"], "version": doc[VERSION]})


class ParkSlaRepository:
    """One document per park: its SLA overrides, calendar and auto-close delay.

    Every ticket opened reads its park's SLA, and SLAs change seldom: a document read here is reused
    for `fresh_for` seconds (another replica's change shows that much later; this replica's at once)."""

    def __init__(self, collection: AsyncCollection[Document], fresh_for: float) -> None:
        self.collection = collection
        self._fresh_for = fresh_for
        self._known: dict[str, tuple[float, Document | None]] = {}

    async def get(self, park_id: str, group_id: str) -> ParkSla:
        doc = await self._document(park_id)
        if doc is None or doc.get("group_id") != group_id:
            return ParkSla.default(park_id, group_id)
        return ParkSla.model_validate({k: v for k, v in doc.items() if k != "_id"})

    async def put(self, sla: ParkSla) -> None:
        doc = sla.model_dump(mode="json")
        await self.collection.replace_one({"_id": sla.park_id}, doc, upsert=True)
        self._known[sla.park_id] = (time.monotonic(), doc)

    async def _document(self, park_id: str) -> Document | None:
        known = self._known.get(park_id)
        if known and time.monotonic() - known[0] < self._fresh_for:
            return known[1]
        doc: Document | None = await self.collection.find_one({"_id": park_id})
        self._known[park_id] = (time.monotonic(), doc)
        return doc


def due_entries(doc: Document) -> list[DueEntry]:
    """Index entries of a stored ticket from a partial document (see DUE_FIELDS)."""
    claimed = set(doc.get("breaches") or {})
    ids = (
        doc["_id"],
        doc["park_id"],
        doc["group_id"],
        TicketCategory(doc["category"]).value,
        TicketPriority(doc["priority"]).value,
    )
    entries = [
        DueEntry(due, ids[0], target, *ids[1:])
        for target, due in (doc.get("pending") or {}).items()
        if target not in claimed and isinstance(due, datetime)
    ]
    if isinstance(doc.get("auto_close_at"), datetime) and doc.get("rating") is None:
        entries.append(DueEntry(doc["auto_close_at"], ids[0], AUTO_CLOSE, *ids[1:]))
    return entries
