import asyncio

import pytest
from parkops_runtime.slices import in_slices


async def test_slices_cover_the_items_in_order_and_let_other_tasks_run_between_them() -> None:
    seen: list[object] = []

    async def other() -> None:
        for _ in range(3):
            seen.append("other")
            await asyncio.sleep(0)

    async def walk() -> None:
        async for part in in_slices([1, 2, 3, 4, 5], 2):
            seen.append(list(part))

    await asyncio.gather(walk(), other())
    slices = [s for s in seen if s != "other"]
    assert slices == [[1, 2], [3, 4], [5]]
    first, last = seen.index([1, 2]), seen.index([5])
    assert "other" in seen[first:last]  # the loop ran something else while the slices were walked


async def test_a_slice_holds_at_least_one_item() -> None:
    with pytest.raises(ValueError, match="at least one"):
        async for _ in in_slices([1], 0):
            pass
