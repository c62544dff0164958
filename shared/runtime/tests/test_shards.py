from collections import Counter
from typing import cast

from parkops_runtime.outbox import AggregateCollection
from parkops_runtime.shards import Shards, shard_name, shard_of
from parkops_runtime.testing import MemoryAggregates

# Pinned: a document's shard must not move between processes, restarts or releases, or its aggregate
# is looked for in the wrong collection. Computed outside Python, with coreutils:
#   printf %s ticket-42 | b2sum -l 32   -> d438c63d, and 0xd438c63d % 64 == 61
PINNED = {
    ("ticket-42", 64): 61,
    ("ticket-42", 8): 5,
    ("t0", 64): 24,
    ("t0", 256): 88,
    ("lease-7", 256): 230,
    ("park-0001", 8): 4,
}


def test_a_documents_shard_is_the_pinned_one() -> None:
    assert {key: shard_of(*key) for key in PINNED} == PINNED


def test_shards_spread_evenly() -> None:
    counts = Counter(shard_of(f"t{i}", 8) for i in range(8000))
    assert set(counts) == set(range(8))
    assert min(counts.values()) > 850


def test_shard_names() -> None:
    assert (shard_name("tickets", 0, 1), shard_name("tickets", 7, 64)) == ("tickets", "tickets_0007")


async def test_shards_are_aggregates_routed_by_id() -> None:
    opened: dict[str, MemoryAggregates] = {}

    def open_collection(name: str) -> AggregateCollection:
        return cast(AggregateCollection, opened.setdefault(name, MemoryAggregates()))

    shards = Shards(open_collection, "parks", 8)
    await shards.insert("park-0001", {"n": 1}, [])
    await shards.update("park-0001", 1, {"n": 2}, [])
    assert list(opened["parks_0004"].documents) == ["park-0001"]  # its pinned shard
    assert (await shards.get("park-0001") or {})["n"] == 2
    assert (await shards.version("park-0001"), await shards.version("t0")) == (2, 0)
