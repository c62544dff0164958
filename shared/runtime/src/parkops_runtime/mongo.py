"""MongoDB access through PyMongo's native async API (Motor is past end of life).

No write path sends multi-statement update commands (FerretDB 1.x deadlocks on those of about 100
statements): aggregates are written one commit at a time, and batches are inserts (`insert_new`)."""

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError
from pymongo.monitoring import ConnectionPoolListener

from parkops_runtime.breaker import StoreBreaker

Document = dict[str, Any]
DUPLICATE_KEY = 11000


def state_of(doc: Document) -> Document:
    """A stored document without the store's own fields (`_id`, `_version`, keys, commit token)."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


# How often pymongo's monitor checks the store (its default is 10 s): how soon an idle service notices
# an outage, and how soon one notices the store is back (measured: bench/store_outage.py).
HEARTBEAT_MS = 1000
# How long an operation waits for an unreachable store before it fails (pymongo's default is 30 s; it
# was 5 s): it bounds the first request that meets an outage (later ones meet the breaker). pymongo
# re-checks every 0.5 s while it waits, so 900 ms fails after 1 s (1000 ms after 1.5 s). A request then
# answers 503; consumers and the outbox relay treat the failure as transient and try again. The price:
# a MongoDB replica set's election (up to ~12 s) also surfaces as 503s and redeliveries, not a wait.
SERVER_SELECTION_MS = 900


def connect(
    url: str, app_name: str, listeners: Sequence[ConnectionPoolListener] = ()
) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        url,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=SERVER_SELECTION_MS,
        heartbeatFrequencyMS=HEARTBEAT_MS,
        event_listeners=list(listeners),
    )


async def insert_new(collection: AsyncCollection[Document], documents: Sequence[Document]) -> list[Document]:
    """Insert documents whose `_id` is not taken yet; return those that were new.

    The unique `_id` index decides, so concurrent consumers agree on who inserted first."""
    if not documents:
        return []
    try:
        await collection.insert_many(list(documents), ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        taken = {e["index"] for e in errors}
        return [doc for i, doc in enumerate(documents) if i not in taken]
    return list(documents)


async def ping(database: AsyncDatabase[Document], breaker: StoreBreaker | None = None) -> bool:
    """Whether the store answers; at once False while the breaker knows it does not."""
    if breaker is not None and breaker.is_open:
        return False
    try:
        await database.command("ping")
    except Exception:
        return False
    return True
