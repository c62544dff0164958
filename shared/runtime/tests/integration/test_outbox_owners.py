"""The outbox publishes each event once unless its writer really died, in order, in batches."""

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence

import pytest
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection, OutboxRelay
from parkops_runtime.owners import Owners
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.events import outbound
from tests.support.services import eventually

Doc = dict[str, object]
DEAD_AFTER = 0.5


class RecordingPublisher:
    """Records every publish call; holds them while `gate` is closed, like a slow broker."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        await self.gate.wait()
        self.calls.append([e.id for e in events])

    @property
    def sent(self) -> list[str]:
        return [e for call in self.calls for e in call]


def process(
    collection: AsyncCollection[Doc],
    publisher: RecordingPublisher,
    clock: Callable[[], float] = time.monotonic,
) -> AggregateCollection:
    """One process: its own owner id, relay (sweeping and beating often) and in-process locks."""
    found = AggregateCollection(collection)
    owners = Owners(collection.database["outbox.owners"], uuid.uuid4().hex, DEAD_AFTER, clock)
    relay = OutboxRelay(publisher, owners, retry_seconds=0.1, full_sweep_seconds=0.1, beat_seconds=0.05)
    relay.watch(found)
    return found


def relay_of(aggregates: AggregateCollection) -> OutboxRelay:
    assert aggregates.relay is not None
    return aggregates.relay


async def sent_at_least(publisher: RecordingPublisher, n: int) -> None:
    async def enough() -> bool:
        return len(publisher.sent) >= n

    await eventually(enough)  # a generous bound: no speed is asserted


async def test_a_slow_publish_is_not_taken_over_by_a_live_neighbour(things: AsyncCollection[Doc]) -> None:
    slow, neighbour = RecordingPublisher(), RecordingPublisher()
    writer, other = process(things, slow), process(things, neighbour)
    for p in (writer, other):
        await relay_of(p).owners.beat()
        relay_of(p).start()
    try:
        slow.gate.clear()  # the broker answers the writer late: far longer than an owner takes to die
        await writer.insert("a", {"n": 1}, [outbound(1)])
        for n in range(2, 6):
            await writer.update("a", n - 1, {"n": n}, [outbound(n)])
        await writer.insert("b", {"n": 1}, [outbound(100)])
        await asyncio.sleep(8 * DEAD_AFTER)  # many beats and sweeps of both relays meanwhile
        assert await relay_of(other).sweep() == 0
        with pytest.raises(ConcurrencyConflict):  # meets the writer's commit: its owner lives
            await other.update("a", 4, {"n": -1}, [outbound(-1)])
        assert neighbour.calls == []
        slow.gate.set()
        await relay_of(writer).flush()
    finally:
        for p in (writer, other):
            await relay_of(p).stop()
    assert Counter(slow.sent) == Counter(f"e{n}" for n in (1, 2, 3, 4, 5, 100))
    assert [e for e in slow.sent if e != "e100"] == ["e1", "e2", "e3", "e4", "e5"]
    assert neighbour.calls == []
    assert await writer.commits.count_documents({}) == 0


async def test_a_dead_owners_commits_are_published_once_by_two_live_sweepers(
    things: AsyncCollection[Doc],
) -> None:
    dead = process(things, RecordingPublisher())
    await relay_of(dead).owners.beat()  # it lived once

    async def dies_before_publishing(*_: object) -> None:
        pass

    relay_of(dead).after_write = dies_before_publishing  # type: ignore[method-assign]
    for n in range(10):
        await dead.insert(f"agg{n % 3}-{n}", {"n": n}, [outbound(n)])
    await dead.insert("chain", {"n": 0}, [outbound(20)])
    for n in range(1, 5):
        await dead.update("chain", n, {"n": n}, [outbound(20 + n)])

    shared = RecordingPublisher()
    survivors = [process(things, shared) for _ in range(2)]
    for p in survivors:
        await relay_of(p).owners.beat()
        relay_of(p).start()
    expected = [f"e{n}" for n in (*range(10), *range(20, 25))]
    try:
        await sent_at_least(shared, len(expected))
        await asyncio.sleep(8 * DEAD_AFTER)  # more beats and sweeps: nothing is published again
        for p in survivors:
            await relay_of(p).flush()
    finally:
        for p in survivors:
            await relay_of(p).stop()
    assert Counter(shared.sent) == Counter(expected)
    assert [e for e in shared.sent if e in {f"e{n}" for n in range(20, 25)}] == [
        f"e{n}" for n in range(20, 25)
    ]
    assert await dead.commits.count_documents({}) == 0
    assert (await things.find_one({"_id": "chain"}) or {}).get("_version") == 5


async def test_an_aggregates_events_go_out_in_version_order_in_few_batches(
    things: AsyncCollection[Doc],
) -> None:
    publisher = RecordingPublisher()
    store = process(things, publisher)
    publisher.gate.clear()  # the first publish is under way while the writes go on
    await store.insert("hot", {"n": 1}, [outbound(1)])
    for n in range(2, 41):
        await store.update("hot", n - 1, {"n": n}, [outbound(n), outbound(1000 + n)])
    publisher.gate.set()
    await relay_of(store).flush()
    assert publisher.sent == ["e1"] + [f"e{k}" for n in range(2, 41) for k in (n, 1000 + n)]
    assert len(publisher.calls) == 2, "all commits queued behind the first publish go out in one batch"
    assert await store.commits.count_documents({}) == 0


async def test_an_adopter_that_dies_too_passes_its_adoptions_on(things: AsyncCollection[Doc]) -> None:
    adopter_clock = [1000.0]  # the adopter's monotonic clock, advanced by the test
    dead = process(things, RecordingPublisher())
    adopter = process(things, RecordingPublisher(), lambda: adopter_clock[0])
    await relay_of(dead).owners.beat()

    async def dies_before_publishing(*_: object) -> None:
        pass

    relay_of(dead).after_write = dies_before_publishing  # type: ignore[method-assign]
    for n in range(3):
        await dead.insert(f"x{n}", {"n": n}, [outbound(n)])
    owners = relay_of(adopter).owners
    await owners.beat()
    await relay_of(adopter).sweep()  # meets the dead owner's commits
    adopter_clock[0] += DEAD_AFTER * 1.5  # the dead owner's beat seen unchanged that long
    await owners.beat()
    assert await owners.claim(relay_of(dead).owners.owner_id)  # ... and dies before finishing them

    survivor_publisher = RecordingPublisher()
    survivor = process(things, survivor_publisher)
    await relay_of(survivor).owners.beat()
    relay_of(survivor).start()
    owner_docs = things.database["outbox.owners"]
    try:
        await sent_at_least(survivor_publisher, 3)

        async def dead_ones_forgotten() -> bool:
            return await owner_docs.count_documents({}) == 1

        await eventually(dead_ones_forgotten)
        await relay_of(survivor).flush()
    finally:
        await relay_of(survivor).stop()
    assert sorted(survivor_publisher.sent) == ["e0", "e1", "e2"]
    assert await dead.commits.count_documents({}) == 0
    assert [d["_id"] async for d in owner_docs.find({})] == [relay_of(survivor).owners.owner_id]


async def test_an_owner_is_dead_only_after_its_beat_stood_still_and_keeps_new_commits_if_it_beats_again(
    things: AsyncCollection[Doc],
) -> None:
    now = [0.0]
    collection = things.database["outbox.owners"]
    observer = Owners(collection, "observer", dead_after=10, clock=lambda: now[0])
    stalled = Owners(collection, "stalled", dead_after=10)
    await stalled.beat()
    await observer.refresh()
    now[0] = 9.9
    await observer.refresh()
    assert not await observer.claim("stalled")
    now[0] = 30.0  # the observer itself stalled: it judges only on what a fresh read shows
    await stalled.beat()
    await observer.refresh()
    assert not await observer.claim("stalled")
    now[0] = 40.0
    await observer.refresh()
    assert await observer.claim("stalled")
    assert await observer.claim("stalled"), "held: claiming again is no new adoption"
    second = Owners(collection, "second", dead_after=10, clock=lambda: now[0])
    await second.refresh()
    now[0] = 60.0
    await second.refresh()
    assert not await second.claim("stalled"), "adopted by an owner not seen dead"
    await stalled.beat()  # it had stalled, not died
    await observer.refresh()
    assert not await observer.claim("stalled")
