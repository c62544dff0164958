"""Transactional outbox without multi-document transactions, safe on FerretDB.

FerretDB 1.x does not isolate an update's filter from its write: of 20 concurrent
`update_one({_id, _version: v})` several can match (bench/leasing_store_atomicity.py), so a `_version`
filter alone is no compare-and-set. An insert of a unique `_id` is atomic everywhere. So every write of
an aggregate is first a *commit*: one insert into `<collection>.commits` with `_id = <id>#<version>`,
holding the new state, the events it caused and its `owner` (the writing process, see `owners.py`). The
insert decides which writer gets that version (the state and its events are durable together in that
one atomic write); the winner then copies the state into the aggregate's document (`_version`, and
`_commit` = the commit's token), and the relay publishes the events and deletes the commit, without the
writer waiting for it.

A commit belongs to its owner while the owner lives, however long its publish takes. A writer that dies
after its commit leaves it behind: once its owner is judged dead, one survivor adopts it and finishes
its commits (a conflicting writer or reader that meets one, the sweep at start-up and every minute, the
relay's loop as soon as it sees the owner die), so a crash neither blocks the aggregate nor loses the
change or its events. Consumers dedup by CloudEvents id, so the rare double publish (a crash between
publish and delete, a process stalled past the dead-after time) has no effect. Within a process, writes
of one aggregate are serialized, and one task per aggregate publishes its queued commits, all pending
ones in one batch in version order, which keeps its events in order on its Kafka key and keeps up with
any write rate."""

import asyncio
import contextlib
import os
import signal
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from time import monotonic
from typing import Protocol

import bson
import structlog
from bson.binary import Binary
from bson.codec_options import CodecOptions
from prometheus_client import CollectorRegistry, Gauge
from pymongo.asynchronous.collection import AsyncCollection

from parkops_runtime.batched import BatchedWrites
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.owners import LEGACY, Owners
from parkops_runtime.tasks import stop_task

VERSION = "_version"
COMMIT = "_commit"
REMEMBERED = 100_000  # published commit ids kept, so a commit whose delete is under way is not queued again
# A published commit is deleted no sooner than this after its publish (which follows its apply)...
DELETE_AFTER = 0.1
# ...so a writer whose claim of version v was stored within this time of a read that saw version v - 1
# knows no other writer's v was applied in between (that one's commit would have made the claim fail)
# and applies without reading the version again. Half of DELETE_AFTER: a margin for two machines'
# clock rates and the time a read takes to be sent.
SEEN_FOR = DELETE_AFTER / 2
SEEN_KEPT = 4096  # versions read recently kept, by aggregate id
log = structlog.get_logger(__name__)
Key = tuple[str, str]


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


def utc(at: datetime) -> datetime:
    """The store hands back naive UTC datetimes."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self.commits: AsyncCollection[Document] = collection.database[f"{collection.name}.commits"]
        # Published commits are deleted in the background, each DELETE_AFTER late, together.
        self.commit_writes = BatchedWrites(self.commits, delete_after=DELETE_AFTER)
        # aggregate id -> (version, monotonic time just before the read that saw it at that version)
        self._seen: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._creates = BatchedWrites(collection)
        self.serialized = KeyedLock().hold  # one write (or recovery) of an aggregate at a time here
        self.relay: OutboxRelay | None = None

    async def get(self, doc_id: str) -> Document | None:
        """The aggregate's document. A write a dead writer left half-way is not looked for (one read
        fewer per load): its writer never answered, the relay finishes it as soon as it sees the writer
        die, and the writer of the next version meets it."""
        asked = monotonic()
        doc = await self.collection.find_one({"_id": doc_id})
        self._saw(doc_id, int(doc[VERSION]) if doc else 0, asked)
        return doc

    async def get_many(self, doc_ids: Sequence[str]) -> list[Document]:
        """The documents of those of `doc_ids` that exist, in one `_id` read. Unlike `get` it does not
        finish a write a dead writer left half-way: that one shows once the sweep finishes it."""
        if not doc_ids:
            return []
        return [doc async for doc in self.collection.find({"_id": {"$in": list(doc_ids)}})]

    async def version(self, doc_id: str) -> int:
        """The aggregate's stored version (0: none), read without its state."""
        asked = monotonic()
        doc = await self.collection.find_one({"_id": doc_id}, {VERSION: 1})
        version = int(doc[VERSION]) if doc else 0
        self._saw(doc_id, version, asked)
        return version

    def _saw(self, doc_id: str, version: int, asked: float) -> None:
        self._seen.pop(doc_id, None)
        self._seen[doc_id] = (version, asked)
        if len(self._seen) > SEEN_KEPT:
            self._seen.popitem(last=False)

    def _still_at(self, doc_id: str, version: int) -> bool:
        """Whether a read of this process saw the aggregate at `version` recently enough that, with this
        process's claim of the next version now stored, it is still there (see SEEN_FOR)."""
        seen = self._seen.get(doc_id)
        if seen is None or seen[0] != version or monotonic() - seen[1] >= SEEN_FOR:
            return False
        # Only while every live process deletes late: an older one may delete a commit at once.
        return self.relay is not None and self.relay.owners.deletes_delayed

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
        assert self.relay is not None, "AggregateCollection used before OutboxRelay.watch()"
        commit: Document = {
            "_id": commit_id(doc_id, version),
            "owner": self.relay.owners.owner_id,
            "doc_id": doc_id,
            "version": version,
            "token": uuid.uuid4().hex,
            "at": datetime.now(UTC),
            "fields": fields,
            "events": [e.to_document() for e in events],
        }
        async with self.serialized(doc_id):
            try:
                claimed = await self._claim(commit)
                applied = claimed and await self._apply(commit)
            except Exception:
                # The store failed mid-write: the commit may be stored, unapplied. Its owner (this
                # process) lives, so nobody else finishes it: the relay does once the store answers.
                self.relay.unfinished(self, commit)
                raise
            if claimed:
                if not applied:
                    await self.drop_commit(commit)
                    raise ConcurrencyConflict(
                        f"{self.collection.name} {doc_id} changed before version {version}"
                    )
                await self.relay.after_write(self, commit)
                return
        await self._finish_if_abandoned(commit["_id"])
        raise ConcurrencyConflict(f"{self.collection.name} {doc_id} version {version} is taken")

    async def _claim(self, commit: Document) -> bool:
        """The atomic step: only one writer can insert the commit of a version."""
        if await self.commit_writes.insert(stored_commit(commit)):
            return True
        # The driver retries an insert whose answer was lost (a store restarting): when the first try
        # landed, the retry meets this very commit, which is this writer's claim all the same.
        found = await self.commits.find_one({"_id": commit["_id"]}, {"token": 1})
        return found is not None and found["token"] == commit["token"]

    async def _apply(self, commit: Document) -> bool:
        """Copy the stored commit's state into the aggregate; False when the aggregate is not where it
        expected."""
        doc_id, version = commit["doc_id"], commit["version"]
        state = {**commit["fields"], VERSION: version, COMMIT: commit["token"]}
        asked = monotonic()
        if version == 1:
            created = await self._creates.insert({"_id": doc_id, **state})
            if created:
                self._saw(doc_id, version, asked)
            return created
        # Holding commit `version` excludes every other writer of this version while it is stored, but a
        # published commit is deleted, and a writer that read long ago may claim its version again: the
        # read tells (it also guards against a writer that comes back after being taken for dead and its
        # commit finished by another). Filtering on `_id` alone keeps the update on FerretDB's index (a
        # second field makes it scan).
        # A read of a moment ago tells as well (`_still_at`): the commit, stored before it or just after,
        # leaves no room for another writer's version in between.
        if not self._still_at(doc_id, version - 1):
            current = await self.collection.find_one({"_id": doc_id}, {VERSION: 1})
            if current is None or current[VERSION] != version - 1:
                return False
        # Replaced whole, never `$set`: a field the encoding no longer writes must not outlive it.
        asked = monotonic()
        result = await self.collection.replace_one({"_id": doc_id}, state)
        if result.matched_count == 1:
            self._saw(doc_id, version, asked)
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

    def loaded(self, found: Document) -> Document:
        """A commit as read from `commits`, its body unpacked."""
        return loaded_commit(found, self.commits.codec_options)

    async def _finish_if_abandoned(self, waiting_id: str) -> bool:
        found = await self.commits.find_one({"_id": waiting_id})
        if found is None or self.relay is None:
            return False
        return await self.relay.take_over(self, self.loaded(found))


class OutboxRelay:
    def __init__(
        self,
        publisher: Publisher,
        owners: Owners,
        retry_seconds: float,
        full_sweep_seconds: float,
        *,
        crash_after_write: bool = False,
        beat_seconds: float = 1.0,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._publisher = publisher
        self.owners = owners
        self._watched: dict[str, AggregateCollection] = {}
        self._queued: dict[Key, list[Document]] = {}  # per aggregate, commits waiting for their publish
        self._draining: dict[Key, asyncio.Task[None]] = {}  # the one publisher task of an aggregate
        self._failed: set[Key] = set()  # aggregates whose publish failed: drained again on retry
        self._held: dict[Key, Document] = {}  # (collection, commit id) -> commit, queued until deleted
        self._done: OrderedDict[Key, None] = OrderedDict()  # recently published: never queued again
        self._undeleted: list[tuple[AggregateCollection, str]] = []
        # Own writes that failed half-way, by (collection, commit id, token): two tries of one version
        # (the first never stored, the second stored) must not hide each other.
        self._unfinished: dict[tuple[str, str, str], tuple[AggregateCollection, Document]] = {}
        self._deleting: set[asyncio.Task[None]] = set()
        self._retry_seconds = retry_seconds
        self._full_sweep_seconds = full_sweep_seconds
        self._beat_seconds = beat_seconds
        self._crash_after_write = crash_after_write
        self._task: asyncio.Task[None] | None = None
        self._beating: asyncio.Task[None] | None = None
        if registry is not None:
            depth = Gauge("outbox_depth", "Commits this process holds for publishing", registry=registry)
            depth.set_function(lambda: len(self._held))
            age = Gauge(
                "outbox_oldest_age_seconds",
                "Age of the oldest commit this process has not published yet",
                registry=registry,
            )
            age.set_function(self.oldest_age)

    def oldest_age(self) -> float:
        if not self._held:
            return 0.0
        oldest = min(utc(c["at"]) for c in self._held.values())
        return (datetime.now(UTC) - oldest).total_seconds()

    def watch(self, aggregates: AggregateCollection) -> None:
        aggregates.relay = self
        self._watched[aggregates.collection.name] = aggregates

    async def after_write(self, aggregates: AggregateCollection, commit: Document) -> None:
        """Queue what the write committed for the aggregate's publisher.

        The writer does not wait: its commit is durable, and a failed publish is retried later."""
        if self._crash_after_write:
            os.kill(os.getpid(), signal.SIGKILL)
        self._enqueue(aggregates, commit)

    def _enqueue(self, aggregates: AggregateCollection, commit: Document) -> bool:
        name = aggregates.collection.name
        held = (name, commit["_id"])
        if held in self._held or held in self._done:
            return False
        self._held[held] = commit
        key = (name, commit["doc_id"])
        self._queued.setdefault(key, []).append(commit)
        if key not in self._failed:
            self._start_drain(aggregates, key)
        return True

    def _start_drain(self, aggregates: AggregateCollection, key: Key) -> None:
        running = self._draining.get(key)
        if running is None or running.done():
            task = asyncio.create_task(self._drain(aggregates, key))
            self._draining[key] = task
            task.add_done_callback(lambda done: self._forget_drain(key, done))

    def _forget_drain(self, key: Key, done: asyncio.Task[None]) -> None:
        if self._draining.get(key) is done:
            del self._draining[key]

    async def _drain(self, aggregates: AggregateCollection, key: Key) -> None:
        """Publish the aggregate's queued commits, all that are pending in one batch, until none is."""
        while batch := sorted(self._queued.pop(key, []), key=lambda c: c["version"]):
            try:
                await self._publisher.publish(
                    [OutboundEvent.from_document(e) for commit in batch for e in commit["events"]]
                )
            except Exception:
                self._queued[key] = batch + self._queued.get(key, [])
                self._failed.add(key)
                log.exception("outbox publish failed; retrying later", aggregate=key[1])
                return
            for commit in batch:
                self._done[(key[0], commit["_id"])] = None
            while len(self._done) > REMEMBERED:
                self._done.popitem(last=False)
            # Deleted in the background: the next batch need not wait for the store.
            deleting = asyncio.create_task(self._delete(aggregates, [c["_id"] for c in batch]))
            self._deleting.add(deleting)
            deleting.add_done_callback(self._deleting.discard)

    async def _delete(self, aggregates: AggregateCollection, ids: list[str]) -> None:
        # An applied commit's version can never be claimed again, so its `_id` names only this commit.
        results = await asyncio.gather(
            *(aggregates.commit_writes.delete(i) for i in ids), return_exceptions=True
        )
        for commit_id_, result in zip(ids, results, strict=True):
            if isinstance(result, BaseException):
                self._undeleted.append((aggregates, commit_id_))
            else:
                self._held.pop((aggregates.collection.name, commit_id_), None)

    async def take_over(self, aggregates: AggregateCollection, commit: Document) -> bool:
        """Finish a commit met by a reader or writer, when its owner is dead (and now held here)."""
        owner = commit.get("owner", LEGACY)
        if owner == self.owners.owner_id or not await self.owners.claim(owner):
            return False
        await self.finish(aggregates, commit)
        return True

    async def finish(self, aggregates: AggregateCollection, commit: Document) -> int:
        """Complete a dead owner's commit (or one of this process's failed writes): apply it if it is
        next, queue its publish if it was applied, else drop it. Returns the events queued."""
        async with aggregates.serialized(commit["doc_id"]):
            if (aggregates.collection.name, commit["_id"]) in self._held:
                return 0
            if await aggregates.applied(commit):
                return len(commit["events"]) if self._enqueue(aggregates, commit) else 0
            await aggregates.drop_commit(commit)
            return 0

    def unfinished(self, aggregates: AggregateCollection, commit: Document) -> None:
        """A write of this process failed after (or while) storing its commit: finish it later."""
        self._unfinished[(aggregates.collection.name, commit["_id"], commit["token"])] = (aggregates, commit)

    async def _finish_own(self) -> None:
        """This process's commits that a failed write left: applied and published (or dropped, if the
        aggregate moved on), so the aggregate is not blocked while their owner lives. A commit that was
        never stored, or that is another writer's, is left alone."""
        for key, (aggregates, commit) in list(self._unfinished.items()):
            stored = await aggregates.commits.find_one({"_id": commit["_id"]}, {"token": 1})
            if stored is not None and stored["token"] == commit["token"]:
                await self.finish(aggregates, commit)
            del self._unfinished[key]

    async def retry_failed(self) -> None:
        """Finish own failed writes, drain again the aggregates whose publish failed, and delete what
        could not be deleted."""
        await self._finish_own()
        failed, self._failed = self._failed, set()
        for key in sorted(failed):
            self._start_drain(self._watched[key[0]], key)
        undeleted, self._undeleted = self._undeleted, []
        for aggregates, commit_id_ in undeleted:
            await self._delete(aggregates, [commit_id_])

    async def sweep(self) -> int:
        """Finish the commits of dead owners (claiming them first) in every watched collection; returns
        the events queued. This process's own commits are in its queues; live owners' are theirs."""
        queued = 0
        met: set[str] = set()
        for aggregates in self._watched.values():
            async for found in aggregates.commits.find({}, {"owner": 1, "doc_id": 1}).sort("_id"):
                owner = found.get("owner", LEGACY)
                met.add(owner)
                if owner == self.owners.owner_id:
                    continue
                if (aggregates.collection.name, found["_id"]) in self._held:
                    continue
                if await self.owners.claim(owner):
                    whole = await aggregates.commits.find_one({"_id": found["_id"]})
                    if whole is not None:
                        queued += await self.finish(aggregates, aggregates.loaded(whole))
        self.owners.met(met)
        for owner in self.owners.held():
            if owner not in met:
                await self.owners.forget(owner)
        return queued

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        next_sweep = next_retry = loop.time()
        while True:
            try:
                claimed = [o for o in self.owners.dead_unclaimed() if await self.owners.claim(o)]
                if claimed or loop.time() >= next_sweep:
                    if sent := await self.sweep():
                        log.info("outbox sweep queued a dead owner's events", count=sent)
                    next_sweep = loop.time() + self._full_sweep_seconds
                if loop.time() >= next_retry:
                    await self.retry_failed()
                    next_retry = loop.time() + self._retry_seconds
            except Exception:
                log.exception("outbox relay pass failed; retrying")
            if task is not None and task.cancelling():
                # A library call of the pass swallowed the cancellation `stop` sent: without this the
                # relay loops on and `stop` (the service's shutdown) waits for it forever.
                raise asyncio.CancelledError
            await asyncio.sleep(self._beat_seconds)

    async def _beat(self) -> None:
        """Its own task: nothing the relay waits for (a slow sweep, store or broker) delays a beat."""
        while True:
            try:
                await self.owners.beat()
            except Exception:
                log.exception("outbox owner heartbeat failed; retrying")
            await asyncio.sleep(self._beat_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")
        self._beating = asyncio.create_task(self._beat(), name="outbox-owner-heartbeat")

    async def flush(self) -> None:
        """Wait for the publishes (and their deletes) under way."""
        while pending := [t for t in (*self._draining.values(), *self._deleting) if not t.done()]:
            await asyncio.wait(pending)

    async def stop(self) -> None:
        """Finish the publishes under way (a write's events go out before shutdown), then stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self.flush()
        for task in (self._task, self._beating):
            await stop_task(task)
