"""MongoDB access through PyMongo's native async API (Motor is past end of life).

FerretDB 1.x deadlocks on update commands of about 100 statements, so every bulk update goes
out in chunks of at most `MAX_UPDATE_STATEMENTS`."""

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

Document = dict[str, Any]
MAX_UPDATE_STATEMENTS = 50
DUPLICATE_KEY = 11000
T = TypeVar("T")


def connect(url: str, app_name: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(url, appname=app_name, tz_aware=True, serverSelectionTimeoutMS=5000)


def chunked(items: Sequence[T], size: int = MAX_UPDATE_STATEMENTS) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def bulk_write_chunked(collection: AsyncCollection[Document], operations: Sequence[Any]) -> None:
    """Unordered bulk writes, at most 50 statements per command."""
    for chunk in chunked(operations):
        await collection.bulk_write(list(chunk), ordered=False)


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
