"""Concurrent single-document inserts and deletes on one collection, sent together.

Each command costs the store a fixed price (FerretDB: about 0.6 ms of CPU for an insert of one small
document, 1.5 ms for ten), so under load the writes that queue while one command is in flight are sent
as the next single command. An idle caller waits for nothing: a lone write goes out at once."""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from pymongo import DeleteOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from parkops_runtime.mongo import Document

DUPLICATE_KEY = 11000
MAX_BATCH = 50  # FerretDB stalls on commands of about 100 statements


class BatchedWrites:
    def __init__(self, collection: AsyncCollection[Document], delete_after: float = 0.0) -> None:
        """`delete_after`: seconds every delete waits, at least, before it is sent (those queued meanwhile
        join it): for deletes nobody awaits, and which others may count on not landing sooner."""
        self.collection = collection
        self._delete_after = delete_after
        self._inserts: list[tuple[Document, asyncio.Future[bool]]] = []
        self._deletes: list[tuple[Any, asyncio.Future[None], float]] = []  # (id, its future, sent after)
        self._inserting: asyncio.Task[None] | None = None
        self._deleting: asyncio.Task[None] | None = None

    async def insert(self, doc: Document) -> bool:
        """Insert the document; False when its `_id` is taken."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._inserts.append((doc, future))
        if self._inserting is None or self._inserting.done():
            self._inserting = asyncio.create_task(self._send_inserts())
        return await asyncio.shield(future)

    async def delete(self, doc_id: Any) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._deletes.append((doc_id, future, time.monotonic() + self._delete_after))
        if self._deleting is None or self._deleting.done():
            self._deleting = asyncio.create_task(self._send_deletes())
        await asyncio.shield(future)

    async def _send_inserts(self) -> None:
        while self._inserts:
            batch, self._inserts = self._inserts[:MAX_BATCH], self._inserts[MAX_BATCH:]
            try:
                taken = await self._insert_many([doc for doc, _ in batch])
            except Exception as error:
                for _, future in batch:
                    _settle(future, error=error)
                continue
            for index, (_, future) in enumerate(batch):
                _settle(future, index not in taken)

    async def _insert_many(self, docs: Sequence[Document]) -> set[int]:
        """Indexes of the documents whose `_id` was taken; other write errors raise."""
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            return {e["index"] for e in errors}
        return set()

    async def _send_deletes(self) -> None:
        if self._delete_after:
            await asyncio.sleep(self._delete_after)  # others join the first
        while self._deletes:
            batch, self._deletes = self._deletes[:MAX_BATCH], self._deletes[MAX_BATCH:]
            # Not before the last one taken has waited its time: the outbox counts on it (outbox.py).
            await asyncio.sleep(max(0.0, batch[-1][2] - time.monotonic()))
            try:
                # One statement per `_id`, all in one command: FerretDB looks each up by its index, where
                # one `{_id: {$in: ids}}` statement would decode every document of the collection.
                await self.collection.bulk_write(
                    [DeleteOne({"_id": doc_id}) for doc_id, _, _ in batch], ordered=False
                )
            except Exception as error:
                for _, future, _ in batch:
                    _settle(future, error=error)
                continue
            for _, future, _ in batch:
                _settle(future, None)


def _settle(future: asyncio.Future[Any], result: object = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
