"""Transactional outbox without multi-document transactions.

An aggregate's document carries its not-yet-published events in `_outbox`; the state change and its
events are one single-document write (atomic on MongoDB and FerretDB alike). The relay publishes
pending events and removes them right after each write; a write whose publish failed is retried by
`_id` every few seconds; and a full sweep (a collection scan: FerretDB uses no index) runs at start-up
and every minute, so events written just before a crash are published after the restart. Consumers dedup
by CloudEvents id, so the rare double publish (crash between publish and removal) has no effect."""

import asyncio
import contextlib
import os
import signal
from collections.abc import Sequence

import structlog
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from parkops_runtime.broker import EventPublisher
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document

OUTBOX = "_outbox"
VERSION = "_version"
log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        publisher: EventPublisher,
        retry_seconds: float,
        full_sweep_seconds: float,
        crash_after_write: bool = False,
    ) -> None:
        self._publisher = publisher
        self._collections: dict[str, AsyncCollection[Document]] = {}
        self._failed: set[tuple[str, str]] = set()
        self._retry_seconds = retry_seconds
        self._full_sweep_seconds = full_sweep_seconds
        self._crash_after_write = crash_after_write
        self._lock = asyncio.Lock()  # one publisher at a time keeps per-aggregate order
        self._task: asyncio.Task[None] | None = None

    def watch(self, collection: AsyncCollection[Document]) -> None:
        self._collections[collection.name] = collection

    async def after_write(self, collection: AsyncCollection[Document], doc_id: str) -> None:
        """Publish what the write just staged; a failure is left to the sweep, never to the caller."""
        if self._crash_after_write:
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            await self._publish_document(collection, doc_id)
        except Exception:
            self._failed.add((collection.name, doc_id))
            log.exception("outbox publish failed; retrying later", collection=collection.name, doc_id=doc_id)

    async def _publish_document(self, collection: AsyncCollection[Document], doc_id: str) -> None:
        async with self._lock:
            doc = await collection.find_one({"_id": doc_id}, {OUTBOX: 1})
            if doc:
                await self._publish(collection, doc)

    async def retry_failed(self) -> None:
        for name, doc_id in sorted(self._failed):
            await self._publish_document(self._collections[name], doc_id)
            self._failed.discard((name, doc_id))

    async def sweep(self) -> int:
        """Publish every pending event of every watched collection; returns how many were sent."""
        sent = 0
        async with self._lock:
            for collection in self._collections.values():
                async for doc in collection.find({f"{OUTBOX}.0": {"$exists": True}}, {OUTBOX: 1}):
                    sent += await self._publish(collection, doc)
        return sent

    async def _publish(self, collection: AsyncCollection[Document], doc: Document) -> int:
        staged: list[Document] = doc.get(OUTBOX, [])
        if not staged:
            return 0
        await self._publisher.publish([OutboundEvent.from_document(e) for e in staged])
        # `$pullAll` of the documents exactly as read: FerretDB 1.x ignores `$pull` with a condition.
        await collection.update_one({"_id": doc["_id"]}, {"$pullAll": {OUTBOX: staged}})
        return len(staged)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while True:
            try:
                if loop.time() >= next_sweep:
                    sent = await self.sweep()
                    next_sweep = loop.time() + self._full_sweep_seconds
                    if sent:
                        log.info("outbox sweep published pending events", count=sent)
                await self.retry_failed()
            except Exception:
                log.exception("outbox relay pass failed; retrying")
            await asyncio.sleep(self._retry_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class AggregateCollection:
    """Writes an aggregate's state and the events it recorded in one atomic single-document write,
    with optimistic concurrency on `_version`."""

    def __init__(self, collection: AsyncCollection[Document], relay: OutboxRelay) -> None:
        self.collection = collection
        self._relay = relay
        relay.watch(collection)

    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None:
        try:
            await self.collection.insert_one(
                {"_id": doc_id, **fields, VERSION: 1, OUTBOX: [e.to_document() for e in events]}
            )
        except DuplicateKeyError as exc:
            raise ConcurrencyConflict(f"{self.collection.name} {doc_id} already exists") from exc
        await self._relay.after_write(self.collection, doc_id)

    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        result = await self.collection.update_one(
            {"_id": doc_id, VERSION: expected_version},
            {
                "$set": {**fields, VERSION: expected_version + 1},
                "$push": {OUTBOX: {"$each": [e.to_document() for e in events]}},
            },
        )
        if result.matched_count == 0:
            raise ConcurrencyConflict(
                f"{self.collection.name} {doc_id} changed since version {expected_version}"
            )
        await self._relay.after_write(self.collection, doc_id)
