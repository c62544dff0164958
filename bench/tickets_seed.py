"""Seed tickets straight into the tickets service's store shards (a real ticket document as template)."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from parkops_contracts.events.leasing import ParkRegistered, ParkType
from parkops_runtime.directory import entry_of, tenant_key
from parkops_runtime.mongo import Document, insert_new
from parkops_runtime.shards import shard_name, shard_of
from pymongo import AsyncMongoClient
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.commands import NewTicket, OpenTicket
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket
from tickets.repository import TicketCodec

BATCH = 5_000
TENANTS = 2_000  # one ticket in ten is a tenant's: ten per tenant at 200k tickets
CATEGORIES, PRIORITIES = list(TicketCategory), list(TicketPriority)


def template(park_id: str, group_id: str, at: datetime) -> Document:
    asked = OpenTicket(CATEGORIES[0].value, PRIORITIES[2].value, "seeded")
    ticket = Ticket.open(NewTicket("seed", ParkSla.default(park_id, group_id), asked, None, "bench", at))
    doc = TicketCodec().encode(ticket)
    doc["_version"] = 1
    return doc


def tenant_of(i: int) -> str:
    return f"bench-tenant-{(i // 10) % TENANTS}"


def seeded(i: int, base: Document, now: datetime, open_share: float) -> tuple[str, Document]:
    opened = now - timedelta(minutes=i % 40_000)
    doc: dict[str, Any] = dict(base)
    ticket_id = f"seed{i:08d}"
    doc.update(_id=ticket_id, category=CATEGORIES[i % 6].value, priority=PRIORITIES[i % 4].value)
    if i % 10 == 0:
        doc["tenant_id"] = tenant_of(i)
    doc["opened_at"] = opened.isoformat()
    if (i % 100) < open_share * 100:  # open: due in a month, one in a thousand overdue already
        response = now - timedelta(hours=1) if i % 1000 == 0 else now + timedelta(days=30)
        doc["pending"] = {"response": response, "resolution": now + timedelta(days=60)}
    else:
        doc.update(state="closed", pending={}, resolved_at=(opened + timedelta(hours=5)).isoformat())
        doc.update(response_seconds=3600, resolution_seconds=18000, response_outcome="met")
        doc.update(resolution_outcome="met", closed_at=doc["resolved_at"])
    return ticket_id, doc


async def seed(
    url: str, database: str, shards: int, *, total: int, open_share: float, park: str, group: str
) -> float:
    """Insert `total` tickets (`open_share` of them open); returns the seconds it took."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url, tz_aware=True)
    db, now = client[database], datetime.now(UTC)
    base, started = template(park, group, now), time.perf_counter()
    pending: dict[int, list[Document]] = {}
    for i in range(total):
        ticket_id, doc = seeded(i, base, now, open_share)
        shard = shard_of(ticket_id, shards)
        pending.setdefault(shard, []).append(doc)
        if len(pending[shard]) >= BATCH // 10 or i == total - 1:
            await db[shard_name("tickets", shard, shards)].insert_many(pending.pop(shard), ordered=False)
    for shard, docs in pending.items():
        await db[shard_name("tickets", shard, shards)].insert_many(docs, ordered=False)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


async def already_seeded(url: str, database: str, shards: int) -> bool:
    """Whether a database holds seeded tickets (counting them would scan them all on FerretDB)."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        return await client[database][shard_name("tickets", 0, shards)].find_one({}, {"_id": 1}) is not None
    finally:
        await client.close()


async def register_park(url: str, database: str, park: str, group: str, tenant: str) -> None:
    """The park and one tenant in the service's park directory, as leasing's ParkRegistered and
    TenantOnboarded would put them there."""
    registered = ParkRegistered(
        park_id=park,
        group_id=group,
        name=park,
        park_type=ParkType.SPECIALIZED_INDUSTRIAL_PARK,
        leading_industries=["C39"],
        registered_at=datetime.now(UTC),
    )
    client: AsyncMongoClient[Document] = AsyncMongoClient(url, tz_aware=True)
    try:
        entry = entry_of(registered)
        assert entry is not None
        onboarded = {"park_id": park, "tenant_id": tenant, "group_id": group, "name": tenant}
        await insert_new(
            client[database]["directory"], [entry, {"_id": tenant_key(park, tenant), **onboarded}]
        )
    finally:
        await client.close()
