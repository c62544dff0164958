"""The one write path, over the in-memory store: retries, the no-op rule, memory, idempotency keys."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from parkops_kernel.errors import Conflict, NotFound, Unprocessable
from parkops_runtime.aggregates import AggregateStore, Idempotency, keyed_id, request_digest
from parkops_runtime.events import OutboundEvent
from parkops_runtime.testing import MemoryAggregates
from pydantic import TypeAdapter

from tests.support.tally import Tally, TallyCodec, VisitorsCounted, outbound

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
TOTAL = TypeAdapter(int)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def store(
    memory: MemoryAggregates, clock: Clock | None = None, fresh_for: float = 0
) -> AggregateStore[Tally]:
    return AggregateStore(
        memory, TallyCodec(), outbound, kind="tally", clock=clock or Clock(), fresh_for=fresh_for
    )


def counted(memory: MemoryAggregates) -> list[int]:
    return [VisitorsCounted.model_validate_json(e.value).count for e in memory.published]


def keyed(key: str, visitors: int) -> Idempotency[int]:
    return Idempotency(key, request_digest("count", {"visitors": visitors}), TOTAL)


async def test_a_change_creates_then_updates_with_its_events_in_the_same_write() -> None:
    memory = MemoryAggregates()
    tallies = store(memory)
    assert await tallies.change("p1", lambda t: t.count(3), create=lambda: Tally("p1")) == 3
    assert await tallies.change("p1", lambda t: t.count(4)) == 7
    assert (memory.documents["p1"]["total"], memory.documents["p1"]["_version"]) == (7, 2)
    assert counted(memory) == [3, 4]


async def test_no_aggregate_and_nothing_to_create_is_404_and_writes_nothing() -> None:
    memory = MemoryAggregates()
    with pytest.raises(NotFound, match="tally p1 does not exist"):
        await store(memory).change("p1", lambda t: t.count(1))
    assert memory.documents == {}


async def test_a_change_that_changes_nothing_is_not_written() -> None:
    memory = MemoryAggregates()
    tallies = store(memory)
    await tallies.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))
    assert await tallies.change("p1", lambda t: t.total) == 1
    assert memory.documents["p1"]["_version"] == 1


async def test_a_replica_that_lost_the_race_reloads_and_applies_its_change_again() -> None:
    memory = MemoryAggregates()
    one, other = store(memory, fresh_for=60), store(memory)
    await one.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))
    await other.change("p1", lambda t: t.count(10))  # `one` still remembers total 1
    assert await one.change("p1", lambda t: t.count(100)) == 111
    assert memory.documents["p1"]["_version"] == 3
    assert counted(memory) == [1, 10, 100]


async def test_a_refusal_of_a_remembered_state_is_confirmed_on_the_stored_one() -> None:
    memory = MemoryAggregates()
    one, other = store(memory, fresh_for=60), store(memory)
    await one.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))
    await one.change("p1", lambda t: setattr(t, "closed", True))  # `one` remembers it closed
    await other.change("p1", lambda t: setattr(t, "closed", False))  # another replica reopened it
    assert await one.change("p1", lambda t: t.count(2)) == 3


async def test_a_refusal_leaves_no_trace_in_memory_or_store() -> None:
    memory = MemoryAggregates()
    tallies = store(memory)
    await tallies.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))

    def count_then_refuse(t: Tally) -> None:
        t.count(5)
        raise Unprocessable("no", field="visitors")

    with pytest.raises(Unprocessable):
        await tallies.change("p1", count_then_refuse)
    assert (await tallies.require("p1")).total == 1
    assert memory.documents["p1"]["total"] == 1
    assert counted(memory) == [1]


async def test_a_replayed_key_answers_the_first_answer_without_a_second_effect() -> None:
    memory = MemoryAggregates()
    tallies, other_replica = store(memory), store(memory)
    create = lambda: Tally("p1")  # noqa: E731
    assert await tallies.change("p1", lambda t: t.count(3), create=create, idempotency=keyed("k1", 3)) == 3
    await tallies.change("p1", lambda t: t.count(4))
    assert await other_replica.change("p1", lambda t: t.count(3), idempotency=keyed("k1", 3)) == 3
    assert counted(memory) == [3, 4]


async def test_the_same_key_for_another_request_is_409() -> None:
    memory = MemoryAggregates()
    tallies = store(memory)
    await tallies.change("p1", lambda t: t.count(3), create=lambda: Tally("p1"), idempotency=keyed("k1", 3))
    with pytest.raises(Conflict, match="idempotency key k1 was used for another request"):
        await tallies.change("p1", lambda t: t.count(5), idempotency=keyed("k1", 5))
    assert counted(memory) == [3]


async def test_a_key_is_forgotten_after_it_expires() -> None:
    memory, clock = MemoryAggregates(), Clock()
    tallies = store(memory, clock)
    await tallies.change("p1", lambda t: t.count(3), create=lambda: Tally("p1"), idempotency=keyed("k1", 3))
    clock.now = T0 + timedelta(hours=24, seconds=1)
    assert await tallies.change("p1", lambda t: t.count(3), idempotency=keyed("k1", 3)) == 6
    clock.now += timedelta(hours=25)
    await tallies.change("p1", lambda t: t.count(1))
    assert memory.documents["p1"]["_keys"] == []  # expired keys are dropped by the next write


def test_request_digests_ignore_spelling_and_keyed_ids_keep_scopes_apart() -> None:
    assert request_digest("sign", {"area": Decimal("100"), "on": "2026-12-01"}) == request_digest(
        "sign", {"on": "2026-12-01", "area": Decimal("100.00")}
    )
    assert request_digest("sign", {"a": 1}) != request_digest("renew", {"a": 1})
    assert keyed_id("k", "g1", "p1") == keyed_id("k", "g1", "p1") != keyed_id("k", "g2", "p1")


async def test_a_race_lost_on_a_state_just_read_from_the_store_is_retried_too() -> None:
    memory = MemoryAggregates()
    tallies = store(memory)
    await tallies.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))

    def count_while_another_replica_writes(t: Tally) -> int:
        if memory.documents["p1"]["_version"] == 1:
            memory.documents["p1"] = {**memory.documents["p1"], "total": 11, "_version": 2}
        return t.count(100)

    assert await store(memory).change("p1", count_while_another_replica_writes) == 111


async def test_a_read_sees_another_replicas_write_at_once_and_decodes_only_what_changed() -> None:
    memory, codec = MemoryAggregates(), CountingCodec()
    one = AggregateStore(memory, codec, outbound, kind="tally")
    other = store(memory)
    await one.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))
    assert (await one.require("p1")).total == 1
    assert codec.decoded == 0  # its own write, remembered: only the version was read
    await other.change("p1", lambda t: t.count(10))
    assert (await one.require("p1")).total == 11
    assert codec.decoded == 1


class CountingCodec(TallyCodec):
    def __init__(self) -> None:
        self.decoded = 0

    def decode(self, document: dict[str, object]) -> Tally:
        self.decoded += 1
        return super().decode(document)


class GatedAggregates(MemoryAggregates):
    """The first version read waits for `gate`; an update fails while `failing` (a store error)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate, self.gated, self.failing = asyncio.Event(), True, False

    async def version(self, doc_id: str) -> int:
        if self.gated:
            self.gated = False
            await self.gate.wait()
        return await super().version(doc_id)

    async def update(
        self, doc_id: str, expected_version: int, fields: dict[str, object], events: Sequence[OutboundEvent]
    ) -> None:
        if self.failing:
            raise ConnectionError("store gone")
        await super().update(doc_id, expected_version, fields, events)


async def test_a_read_never_sees_a_change_that_was_not_stored() -> None:
    memory = GatedAggregates()
    tallies = store(memory)
    memory.gated = False
    await tallies.change("p1", lambda t: t.count(1), create=lambda: Tally("p1"))
    memory.gated, memory.failing = True, True
    reader = asyncio.create_task(tallies.get("p1"))  # holds the remembered tally, waits for the version
    await asyncio.sleep(0)
    with pytest.raises(ConnectionError):  # a change takes the same tally, changes it, fails to store it
        await tallies.change("p1", lambda t: t.count(10))
    memory.gate.set()
    seen = await reader
    assert seen is not None
    assert seen.total == 1


async def test_a_bounded_memory_forgets_the_aggregate_it_knew_longest_ago() -> None:
    class Reads(MemoryAggregates):
        def __init__(self) -> None:
            super().__init__()
            self.reads: list[str] = []

        async def get(self, doc_id: str) -> dict[str, object] | None:
            self.reads.append(doc_id)
            return await super().get(doc_id)

    memory = Reads()
    tallies = AggregateStore(memory, TallyCodec(), outbound, kind="tally", fresh_for=60, remember=2)
    for park in ("p1", "p2", "p3"):
        await tallies.change(park, lambda t: t.count(1), create=lambda p=park: Tally(p))
    memory.reads.clear()
    for park in ("p3", "p2", "p1"):
        assert (await tallies.require(park)).total == 1
    assert memory.reads == ["p1"], "p2 and p3 answered from memory, p1 forgotten and read again"


async def test_a_keys_first_answer_is_found_without_a_write() -> None:
    memory = MemoryAggregates()
    tally = store(memory)
    first = Idempotency("k1", request_digest("count", {"visitors": 2}), TOTAL)
    assert await tally.answered("p1", first) is None  # no aggregate yet
    await tally.change("p1", lambda t: t.count(2), create=lambda: Tally("p1"), idempotency=first)
    written = await memory.version("p1")

    assert await tally.answered("p1", first) == 2
    assert await tally.answered("p1", None) is None
    assert await tally.answered("p1", Idempotency("k2", first.digest, TOTAL)) is None  # a new key
    with pytest.raises(Conflict, match="k1"):
        await tally.answered("p1", Idempotency("k1", request_digest("count", {"visitors": 3}), TOTAL))
    assert await memory.version("p1") == written
