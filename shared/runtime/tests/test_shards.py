from collections import Counter

from parkops_runtime.shards import shard_name, shard_of


def test_shards_are_stable_and_spread_evenly() -> None:
    assert shard_of("ticket-42", 64) == shard_of("ticket-42", 64)
    counts = Counter(shard_of(f"t{i}", 8) for i in range(8000))
    assert set(counts) == set(range(8))
    assert min(counts.values()) > 850
    assert (shard_name("tickets", 0, 1), shard_name("tickets", 7, 64)) == ("tickets", "tickets_0007")
