import time

from parkops_runtime.ids import new_id


def test_ids_are_unique_hex_and_sort_by_creation_time() -> None:
    earlier = [new_id() for _ in range(1000)]
    time.sleep(0.002)
    later = new_id()
    assert len(set(earlier)) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in earlier)
    assert max(earlier) < later
