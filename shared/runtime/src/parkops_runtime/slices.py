"""Long work on the event loop in bounded slices, so what else the process does keeps running.

A billing run of a large park or a matchmaking meeting of thousands of needs is CPU on the one event
loop; done in one go it holds the loop for seconds to minutes, and everything else that process does
waits: HTTP requests and health checks, the consumers' heartbeats (their group rebalances), the
producer (its batches time out). Walked in slices with a yield to the loop between them, each wait is
one slice's work."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

T = TypeVar("T")


async def in_slices(items: Sequence[T], size: int) -> AsyncIterator[Sequence[T]]:
    """`items` `size` at a time, letting the event loop run what waits before each slice after the
    first."""
    if size < 1:
        raise ValueError("a slice holds at least one item")
    for start in range(0, len(items), size):
        if start:
            await asyncio.sleep(0)
        yield items[start : start + size]
