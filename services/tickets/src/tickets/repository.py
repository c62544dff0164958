"""Codecs of the tickets service's aggregates and their wiring to the runtime's AggregateStore.

A ticket is one document, spread over shards (`parkops_runtime.shards`) by its id; due times are kept
as BSON dates, which the breach scanner reads back (`due_entries`). A park's SLA settings are one
document per park. Documents written before the one idempotency rule still decode (their
`applied_requests` are left unread)."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from parkops_contracts.base import Event
from parkops_contracts.events.tickets import SlaTarget
from parkops_runtime.aggregates import AggregateStore, PlainCodec
from parkops_runtime.clock import Clock
from parkops_runtime.events import OutboundEvent
from parkops_runtime.ids import new_id
from parkops_runtime.mongo import Document, state_of
from parkops_runtime.outbox import VERSION, AggregateCollection
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.shards import Shards
from pymongo.asynchronous.collection import AsyncCollection

from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.due_index import AUTO_CLOSE, DueEntry
from tickets.domain.sla import ParkSla
from tickets.domain.tenant_tickets import TenantTickets
from tickets.domain.ticket import Ticket
from tickets.settings import TicketsSettings

DUE_FIELDS = {f: 1 for f in ("park_id", "group_id", "category", "priority", "pending", "breaches")} | {
    "auto_close_at": 1,
    "rating": 1,
}
KEEP_KEYS = timedelta(hours=24)
READS_AT_ONCE = 16


class TicketCodec:
    def encode(self, ticket: Ticket) -> Document:
        doc = ticket.model_dump(mode="json", exclude={"ticket_id"})
        doc["pending"] = {target.value: due for target, due in ticket.pending.items()}
        doc["auto_close_at"] = ticket.auto_close_at
        return doc

    def decode(self, document: Document) -> Ticket:
        return Ticket.model_validate(state_of(document) | {"ticket_id": document["_id"]})

    def take_events(self, ticket: Ticket) -> Sequence[Event]:
        return ticket.take_events()


class ShardedAggregates:
    """The runtime's `Aggregates` over shards: each document in the shard its id names. An id this process
    drew (`draw`: 80 random bits) names nothing stored yet, so its first load asks no store (that load
    was two of an opening's six round trips: the document and a commit a dead writer may have left)."""

    def __init__(self, shards: Shards) -> None:
        self.shards = shards
        self._drawn: set[str] = set()

    def draw(self) -> str:
        drawn = new_id()
        self._drawn.add(drawn)
        return drawn

    async def get(self, doc_id: str) -> Document | None:
        if doc_id in self._drawn:
            self._drawn.discard(doc_id)  # a retry (or a second load) asks the store
            return None
        return await self.shards.of(doc_id).get(doc_id)

    async def version(self, doc_id: str) -> int:
        return await self.shards.of(doc_id).version(doc_id)

    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None:
        await self.shards.of(doc_id).insert(doc_id, fields, events)

    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        await self.shards.of(doc_id).update(doc_id, expected_version, fields, events)


class TicketDocuments:
    """Reads over every shard: tickets by a filter, and what the due index needs."""

    def __init__(self, shards: Shards) -> None:
        self.shards = shards
        self._codec = TicketCodec()

    async def find(self, query: Document) -> list[Ticket]:
        found: list[Ticket] = []
        for shard in self.shards.all():
            found.extend([self._codec.decode(doc) async for doc in shard.collection.find(query)])
        return found

    async def by_ids(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        """These tickets, each read by `_id` (a filter on anything else reads every ticket), in the order
        asked; an id with no ticket is left out."""
        slots = asyncio.Semaphore(READS_AT_ONCE)

        async def read(ticket_id: str) -> Document | None:
            async with slots:
                return await self.shards.of(ticket_id).collection.find_one({"_id": ticket_id})

        found = await asyncio.gather(*(read(t) for t in ticket_ids))
        return [self._codec.decode(doc) for doc in found if doc is not None]

    async def tenant_documents(self) -> AsyncIterator[Document]:
        """Group, tenant and opening time of every ticket opened for a tenant (reads every ticket)."""
        fields = {"group_id": 1, "tenant_id": 1, "opened_at": 1}
        for shard in self.shards.all():
            async for doc in shard.collection.find({"tenant_id": {"$ne": None}}, fields):
                yield doc

    async def due_document(self, ticket_id: str) -> Document | None:
        """What the due index needs of one ticket (read by `_id`)."""
        return await self.shards.of(ticket_id).collection.find_one({"_id": ticket_id}, DUE_FIELDS)

    async def due_documents(self) -> AsyncIterator[Document]:
        """What the due index needs of every ticket that may still be due for something: an unfinished
        one, or a closed one whose target met late still waits for its breach claim."""
        query = {
            "$or": [
                {"state": {"$in": ["open", "acknowledged", "in_progress", "resolved"]}},
                *({f"pending.{target.value}": {"$exists": True}} for target in SlaTarget),
            ]
        }
        for shard in self.shards.all():
            async for doc in shard.collection.find(query, DUE_FIELDS):
                yield doc


@dataclass(frozen=True)
class Stores:
    tickets: AggregateStore[Ticket]
    draw_ticket_id: Callable[[], str]
    slas: AggregateStore[ParkSla]
    documents: TicketDocuments
    tenant_lists: AggregateStore[TenantTickets]
    claims: Shards  # SLA breach claims: one document per ticket and target (see `tickets.breaches`)
    sla_documents: AggregateCollection


def stores(runtime: ServiceRuntime, settings: TicketsSettings, clock: Clock) -> Stores:
    shards = Shards(runtime.aggregates, "tickets", settings.ticket_shards)
    sharded = ShardedAggregates(shards)
    tickets = AggregateStore(
        sharded,
        TicketCodec(),
        runtime.outbound,
        kind="ticket",
        clock=clock,
        keep_keys=KEEP_KEYS,
        remember=settings.remembered_tickets,
    )
    sla_documents = runtime.aggregates("park_sla")
    # Every ticket opened reads its park's SLA, and SLAs change seldom: one read is reused this long.
    slas = AggregateStore(
        sla_documents,
        PlainCodec(ParkSla),
        runtime.outbound,
        kind="park SLA",
        clock=clock,
        fresh_for=settings.sla_cache_seconds,
        keep_keys=KEEP_KEYS,
    )
    tenant_lists = AggregateStore(
        runtime.aggregates("tenant_tickets"),
        PlainCodec(TenantTickets),
        runtime.outbound,
        kind="tenant's tickets",
        clock=clock,
        remember=settings.remembered_tickets // 10,
    )
    claims = Shards(runtime.aggregates, "sla_breaches", settings.ticket_shards)
    return Stores(tickets, sharded.draw, slas, TicketDocuments(shards), tenant_lists, claims, sla_documents)


async def version_sla_documents(sla_documents: AggregateCollection) -> None:
    """SLA settings stored before they were versioned aggregates become version 1 (once, at start)."""
    await sla_documents.collection.update_many({VERSION: {"$exists": False}}, {"$set": {VERSION: 1}})


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


class ParkChanges:
    """`access.ParkChanges` in the store: one small document per park, `{_id: park, changes: n}`."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def bump(self, park_ids: Iterable[str]) -> None:
        for park_id in sorted(set(park_ids)):
            await self._collection.update_one({"_id": park_id}, {"$inc": {"changes": 1}}, upsert=True)

    async def of(self, park_id: str) -> int:
        found = await self._collection.find_one({"_id": park_id})
        return int(found["changes"]) if found else 0

    async def all(self) -> dict[str, int]:
        return {str(doc["_id"]): int(doc["changes"]) async for doc in self._collection.find({})}
