"""Transactional outbox without multi-document transactions, safe on FerretDB.

FerretDB 1.x does not isolate an update's filter from its write: of 20 concurrent
`update_one({_id, _version: v})` several can match (bench/leasing_store_atomicity.py), so a `_version`
filter alone is no compare-and-set. An insert of a unique `_id` is atomic everywhere. So every write of
an aggregate is first a *commit*: one insert into `<collection>.commits` with `_id = <id>#<version>`,
holding the new state and the events it caused. The insert decides which writer gets that version
(the state and its events are durable together in that one atomic write); the winner then copies the
state into the aggregate's document (`_version`, and `_commit` = the commit's token), and the relay
publishes the events and deletes the commit, without the writer waiting for it.

A writer that dies after its commit leaves it behind: a commit older than `stale_after` is finished by
whoever meets it (a conflicting writer, the relay's sweep at start-up and every minute), so a crash
neither blocks the aggregate nor loses the change or its events. Consumers dedup by CloudEvents id, so
the rare double publish (a crash between publish and delete) has no effect. Within a process, writes
of one aggregate are serialized, and so are its publishes, which keeps its events in order on its
Kafka key."""

import asyncio
import contextlib
import os
import signal
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

import bson
import structlog
from bson.binary import Binary
from bson.codec_options import CodecOptions
from pymongo.asynchronous.collection import AsyncCollection

from parkops_runtime.batched import BatchedWrites
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document

VERSION = "_version"
COMMIT = "_commit"
log = structlog.get_logger(__name__)


class Publisher(Protocol):
    async def publish(self, events: Sequence[OutboundEvent]) -> None: ...


class KeyedLock:
    """An asyncio lock per key, dropped when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


def commit_id(doc_id: str, version: int) -> str:
    return f"{doc_id}#{version:012d}"


def stored_commit(commit: Document) -> Document:
    """The commit as stored: its state and events as one BSON value, which FerretDB keeps as one opaque
    string instead of converting every nested field on insert and again on the read of a delete."""
    body = bson.encode({"fields": commit["fields"], "events": commit["events"]})
    return {k: v for k, v in commit.items() if k not in ("fields", "events")} | {"body": Binary(body)}


def loaded_commit(doc: Document, codec_options: CodecOptions[Document]) -> Document:
    """A commit read from the store (also one stored with plain `fields` and `events`)."""
    if "body" not in doc:
        return doc
    return {k: v for k, v in doc.items() if k != "body"} | bson.decode(doc["body"], codec_options)


class AggregateCollection:
    """Aggregates of one kind: state documents in `collection`, in-flight writes in `commits`."""

    def __init__(self, collection: AsyncCollection[Document], stale_after: timedelta) -> None:
        self.collection = collection
        self.commits: AsyncCollection[Document] = collection.database[f"{collection.name}.commits"]
        # Published commits are deleted in the background, gathered for 50 ms into one command.
        self.commit_writes = BatchedWrites(self.commits, delete_after=0.05)
        self._creates = BatchedWrites(collection)
        self.stale_after = stale_after
        self.serialized = KeyedLock().hold  # one write (or recovery) of an aggregate at a time here
        self.relay: OutboxRelay | None = None

    async def get(self, doc_id: str) -> Document | None:
        """The aggregate's document, after finishing a write that a dead writer left half-way."""
        doc = await self.collection.find_one({"_id": doc_id})
        version = doc[VERSION] if doc else 0
        if await self._finish_if_abandoned(commit_id(doc_id, version + 1)):
            return await self.collection.find_one({"_id": doc_id})
        return doc

    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None:
        """Create version 1; ConcurrencyConflict when the aggregate exists."""
        await self._write(doc_id, 1, fields, events)

    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        """Write version `expected_version + 1`; ConcurrencyConflict when another write got there first."""
        await self._write(doc_id, expected_version + 1, fields, events)

    async def _write(
        self, doc_id: str, version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        commit: Document = {
            "_id": commit_id(doc_id, version),
            "doc_id": doc_id,
            "version": version,
            "token": uuid.uuid4().hex,
            "at": datetime.now(UTC),
            "fields": fields,
            "events": [e.to_document() for e in events],
        }
        async with self.serialized(doc_id):
            if await self._claim(commit):
                if not await self._apply(commit):
                    await self.drop_commit(commit)
                    raise ConcurrencyConflict(
                        f"{self.collection.name} {doc_id} changed before version {version}"
                    )
                assert self.relay is not None, "AggregateCollection used before OutboxRelay.watch()"
                await self.relay.after_write(self, commit)
                return
        await self._finish_if_abandoned(commit["_id"])
        raise ConcurrencyConflict(f"{self.collection.name} {doc_id} version {version} is taken")

    async def _claim(self, commit: Document) -> bool:
        """The atomic step: only one writer can insert the commit of a version."""
        return await self.commit_writes.insert(stored_commit(commit))

    async def _apply(self, commit: Document) -> bool:
        """Copy the commit's state into the aggregate; False when the aggregate is not where it expected."""
        doc_id, version = commit["doc_id"], commit["version"]
        state = {**commit["fields"], VERSION: version, COMMIT: commit["token"]}
        if version == 1:
            return await self._creates.insert({"_id": doc_id, **state})
        # Holding commit `version` already excludes every other writer of this version; the read guards
        # against a writer that comes back after being taken for dead and its commit finished by another.
        # Filtering on `_id` alone keeps the update on FerretDB's index (a second field makes it scan).
        current = await self.collection.find_one({"_id": doc_id}, {VERSION: 1})
        if current is None or current[VERSION] != version - 1:
            return False
        result = await self.collection.update_one({"_id": doc_id}, {"$set": state})
        return result.matched_count == 1

    async def applied(self, commit: Document) -> bool:
        """Whether the commit's state reached the aggregate, applying it when it is next in line."""
        doc = await self.collection.find_one({"_id": commit["doc_id"]}, {VERSION: 1, COMMIT: 1})
        current = doc[VERSION] if doc else 0
        if current == commit["version"] - 1:
            return await self._apply(commit)
        # Past it: applied (a later version needed it), unless it is a stale writer's that never was.
        return current > commit["version"] or (
            current == commit["version"] and doc is not None and doc.get(COMMIT) == commit["token"]
        )

    async def drop_commit(self, commit: Document) -> None:
        """Delete a commit that was not applied, never another writer's later claim of its version."""
        # Read, then delete by `_id` alone: a filter of `_id` and token would make FerretDB scan.
        current = await self.commits.find_one({"_id": commit["_id"]}, {"token": 1})
        if current is not None and current["token"] == commit["token"]:
            await self.commits.delete_one({"_id": commit["_id"]})

    def is_stale(self, commit: Document) -> bool:
        at: datetime = commit["at"]
        return datetime.now(UTC) - at.astimezone(UTC) >= self.stale_after

    def loaded(self, found: Document) -> Document:
        """A commit as read from `commits`, its body unpacked."""
        return loaded_commit(found, self.commits.codec_options)

    async def _finish_if_abandoned(self, waiting_id: str) -> bool:
        found = await self.commits.find_one({"_id": waiting_id})
        if found is None or not self.is_stale(found) or self.relay is None:
            return False
        await self.relay.finish(self, self.loaded(found))
        return True


class OutboxRelay:
    def __init__(
        self,
        publisher: Publisher,
        retry_seconds: float,
        full_sweep_seconds: float,
        crash_after_write: bool = False,
    ) -> None:
        self._publisher = publisher
        self._watched: dict[str, AggregateCollection] = {}
        self._failed: dict[tuple[str, str], Document] = {}
        self._publishing: dict[tuple[str, str], asyncio.Task[None]] = {}  # latest publish per aggregate
        self._retry_seconds = retry_seconds
        self._full_sweep_seconds = full_sweep_seconds
        self._crash_after_write = crash_after_write
        self._task: asyncio.Task[None] | None = None

    def watch(self, aggregates: AggregateCollection) -> None:
        aggregates.relay = self
        self._watched[aggregates.collection.name] = aggregates

    async def after_write(self, aggregates: AggregateCollection, commit: Document) -> None:
        """Start publishing what the write committed, after the aggregate's earlier publishes.

        The writer does not wait: its commit is durable, and a failed publish is retried later."""
        if self._crash_after_write:
            os.kill(os.getpid(), signal.SIGKILL)
        key = (aggregates.collection.name, commit["doc_id"])
        task = asyncio.create_task(self._publish_after(self._publishing.get(key), aggregates, commit))
        self._publishing[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))

    async def _publish_after(
        self, earlier: asyncio.Task[None] | None, aggregates: AggregateCollection, commit: Document
    ) -> None:
        if earlier is not None:
            await asyncio.wait([earlier])  # keeps the aggregate's events in order on its Kafka key
        try:
            await self._publish(aggregates, commit)
        except Exception:
            self._failed[(aggregates.collection.name, commit["_id"])] = commit
            log.exception("outbox publish failed; retrying later", commit=commit["_id"])

    def _forget(self, key: tuple[str, str], done: asyncio.Task[None]) -> None:
        if self._publishing.get(key) is done:
            del self._publishing[key]

    async def finish(self, aggregates: AggregateCollection, commit: Document) -> int:
        """Complete an abandoned commit: apply it if it is next, publish it if it was applied, drop it."""
        async with aggregates.serialized(commit["doc_id"]):
            if await aggregates.applied(commit):
                return await self._publish(aggregates, commit)
            await aggregates.drop_commit(commit)
            return 0

    async def _publish(self, aggregates: AggregateCollection, commit: Document) -> int:
        await self._publisher.publish([OutboundEvent.from_document(e) for e in commit["events"]])
        # An applied commit's version can never be claimed again, so its `_id` names only this commit.
        await aggregates.commit_writes.delete(commit["_id"])
        return len(commit["events"])

    async def retry_failed(self) -> None:
        for key, commit in sorted(self._failed.items()):
            aggregates = self._watched[key[0]]
            async with aggregates.serialized(commit["doc_id"]):
                await self._publish(aggregates, commit)
            del self._failed[key]

    async def sweep(self) -> int:
        """Finish every abandoned commit of every watched collection; returns the events published."""
        sent = 0
        for aggregates in self._watched.values():
            async for found in aggregates.commits.find({}).sort("_id"):
                if aggregates.is_stale(found):
                    sent += await self.finish(aggregates, aggregates.loaded(found))
        return sent

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        next_sweep = loop.time()
        while True:
            try:
                if loop.time() >= next_sweep:
                    if sent := await self.sweep():
                        log.info("outbox sweep published abandoned events", count=sent)
                    next_sweep = loop.time() + self._full_sweep_seconds
                await self.retry_failed()
            except Exception:
                log.exception("outbox relay pass failed; retrying")
            if task is not None and task.cancelling():
                # A library call of the pass swallowed the cancellation `stop` sent: without this the
                # relay loops on and `stop` (the service's shutdown) waits for it forever.
                raise asyncio.CancelledError
            await asyncio.sleep(self._retry_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def flush(self) -> None:
        """Wait for the publishes under way."""
        if self._publishing:
            await asyncio.wait(list(self._publishing.values()))

    async def stop(self) -> None:
        """Finish the publishes under way (a write's events go out before shutdown), then stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self.flush()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
