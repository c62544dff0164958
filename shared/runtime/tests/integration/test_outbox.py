"""The outbox over the real store: one winner per version, state and events together, nothing lost."""

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection, OutboxRelay, commit_id
from parkops_runtime.owners import Owners
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.events import outbound

Doc = dict[str, object]


class FlakyPublisher:
    """Refuses the first `failures` publishes, like a broker that is briefly unreachable."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[str] = []

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unreachable")
        self.sent.extend(e.id for e in events)


class Clock:
    """A monotonic clock the test advances: an owner's silence without waiting for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def aggregates(
    collection: AsyncCollection[Doc], publisher: FlakyPublisher, clock: Clock | None = None
) -> AggregateCollection:
    """One process's view: its own owner id, relay and in-process locks."""
    found = AggregateCollection(collection)
    owners = Owners(
        collection.database["outbox.owners"], uuid.uuid4().hex, dead_after=1, clock=clock or Clock()
    )
    OutboxRelay(publisher, owners, retry_seconds=1, full_sweep_seconds=60).watch(found)
    return found


def left_behind(doc_id: str, version: int, token: str, at: datetime, state: int, event: int) -> Doc:
    """A commit a writer stored, with no owner (a legacy one), as its writer left it when it died."""
    return {
        "_id": commit_id(doc_id, version),
        "doc_id": doc_id,
        "version": version,
        "token": token,
        "at": at,
        "fields": {"state": state},
        "events": [outbound(event).to_document()],
    }


async def test_state_and_events_are_written_together_and_a_failed_publish_is_retried(
    things: AsyncCollection[Doc],
) -> None:
    publisher = FlakyPublisher(failures=1)
    store = aggregates(things, publisher)
    await store.insert("a", {"state": 1}, [outbound(1)])
    assert store.relay is not None
    await store.relay.flush()
    assert publisher.sent == []
    assert await store.commits.count_documents({}) == 1, "the unpublished events wait in their commit"
    await store.relay.retry_failed()
    await store.relay.flush()
    assert publisher.sent == ["e1"]

    await store.update("a", 1, {"state": 2}, [outbound(2)])
    await store.relay.flush()
    assert publisher.sent == ["e1", "e2"]
    doc = await things.find_one({"_id": "a"})
    assert doc is not None
    assert (doc["state"], doc["_version"]) == (2, 2)
    assert await store.commits.count_documents({}) == 0

    with pytest.raises(ConcurrencyConflict):
        await store.update("a", 1, {"state": 3}, [outbound(3)])
    with pytest.raises(ConcurrencyConflict):
        await store.insert("a", {"state": 0}, [outbound(4)])
    assert publisher.sent == ["e1", "e2"]
    assert (await things.find_one({"_id": "a"}) or {}).get("state") == 2


async def test_of_many_concurrent_writers_of_one_version_exactly_one_wins(
    things: AsyncCollection[Doc],
) -> None:
    publisher = FlakyPublisher()
    processes = [aggregates(things, publisher) for _ in range(20)]
    await processes[0].insert("hot", {"by": "creator"}, [])

    async def write(i: int) -> bool:
        try:
            await processes[i].update("hot", 1, {"by": i}, [outbound(100 + i)])
        except ConcurrencyConflict:
            return False
        return True

    assert sum(await asyncio.gather(*(write(i) for i in range(20)))) == 1
    for process in processes:
        assert process.relay is not None
        await process.relay.flush()
    doc = await things.find_one({"_id": "hot"})
    assert doc is not None
    assert doc["_version"] == 2
    assert publisher.sent == [f"e{100 + doc['by']}"]  # type: ignore[operator]


@dataclass
class Process:
    """This process, after it wrote aggregate "a" (version 1, no events); its clock is the test's."""

    store: AggregateCollection
    relay: OutboxRelay
    publisher: FlakyPublisher
    clock: Clock


@pytest.fixture
async def process(things: AsyncCollection[Doc]) -> Process:
    publisher, clock = FlakyPublisher(), Clock()
    store = aggregates(things, publisher, clock)
    await store.insert("a", {"state": 1}, [])
    assert store.relay is not None
    return Process(store, store.relay, publisher, clock)


async def test_a_writer_that_died_after_its_commit_is_finished_by_the_next_one(
    process: Process, things: AsyncCollection[Doc]
) -> None:
    store, relay = process.store, process.relay
    # what a writer leaves when it dies right after its commit
    await store.commits.insert_one(left_behind("a", 2, "dead", datetime.now(UTC), state=2, event=9))
    with pytest.raises(ConcurrencyConflict):  # its writer may be alive: not seen silent long enough
        await store.update("a", 1, {"state": 99}, [])
    process.clock.now += 1.1  # silent past dead_after on this process's clock
    await relay.owners.refresh()  # what the relay's loop does every beat
    with pytest.raises(ConcurrencyConflict):  # now finished for it, and the caller reloads
        await store.update("a", 1, {"state": 99}, [])
    await relay.flush()
    assert process.publisher.sent == ["e9"]
    doc = await things.find_one({"_id": "a"})
    assert doc is not None
    assert (doc["state"], doc["_version"]) == (2, 2)
    await store.update("a", 2, {"state": 3}, [])


async def test_the_sweep_finishes_a_dead_owners_commits_and_drops_a_stale_writers(
    process: Process, things: AsyncCollection[Doc]
) -> None:
    store, relay = process.store, process.relay
    await relay.flush()
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    await store.commits.insert_many(
        [
            # applied before its writer died: publish it
            left_behind("b", 1, "t-b", long_ago, state=1, event=7),
            # a writer that had loaded version 0 of an aggregate that exists: never applied, never published
            left_behind("a", 1, "stale", long_ago, state=-1, event=8),
        ]
    )
    await things.insert_one({"_id": "b", "state": 1, "_version": 1, "_commit": "t-b"})
    assert await relay.sweep() == 0, "the commits' owner (none: legacy) was only now met"
    process.clock.now += 1.1
    await relay.owners.refresh()
    assert await relay.sweep() == 1
    await relay.flush()
    assert process.publisher.sent == ["e7"]
    assert await store.commits.count_documents({}) == 0
    assert (await things.find_one({"_id": "a"}) or {}).get("state") == 1


async def test_a_write_the_store_failed_half_way_is_finished_by_its_living_owner(
    things: AsyncCollection[Doc], monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = FlakyPublisher()
    writer, other = aggregates(things, publisher), aggregates(things, FlakyPublisher())
    await writer.insert("a", {"state": 1}, [outbound(1)])

    async def store_gone(commit: Doc) -> bool:
        raise ConnectionError("store unreachable")

    monkeypatch.setattr(writer, "_claim", store_gone)  # a first try: its commit never stored
    with pytest.raises(ConnectionError):
        await writer.update("a", 1, {"state": 2}, [outbound(2)])
    monkeypatch.undo()
    monkeypatch.setattr(writer, "_apply", store_gone)  # the retry: stored, then the store went away
    with pytest.raises(ConnectionError):
        await writer.update("a", 1, {"state": 2}, [outbound(2)])
    monkeypatch.undo()
    with pytest.raises(ConcurrencyConflict):  # its owner lives: nobody else may finish it
        await other.update("a", 1, {"state": 3}, [outbound(3)])

    assert writer.relay is not None
    await writer.relay.retry_failed()  # the store answers again: the owner rolls its write forward
    await writer.relay.flush()
    doc = await things.find_one({"_id": "a"})
    assert doc is not None
    assert (doc["state"], doc["_version"]) == (2, 2)
    assert publisher.sent == ["e1", "e2"]
    await other.update("a", 2, {"state": 3}, [outbound(3)])  # and the aggregate is not blocked
