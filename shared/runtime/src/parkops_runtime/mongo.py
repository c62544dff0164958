"""MongoDB access through PyMongo's native async API (Motor is past end of life).

No write path sends multi-statement update commands (FerretDB 1.x deadlocks on those of about 100
statements): aggregates are written one commit at a time, and batches are inserts (`insert_new`)."""

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

Document = dict[str, Any]
DUPLICATE_KEY = 11000


def connect(url: str, app_name: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(url, appname=app_name, tz_aware=True, serverSelectionTimeoutMS=5000)


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


async def ping(database: AsyncDatabase[Document]) -> bool:
    try:
        await database.command("ping")
    except Exception:
        return False
    return True
