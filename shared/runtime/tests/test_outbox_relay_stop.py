"""The relay stops even when a library call of its pass swallowed the cancellation."""

import asyncio
import contextlib
from collections.abc import Sequence

from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import OutboxRelay


class NoPublisher:
    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        raise AssertionError("nothing to publish")


class SwallowingRelay(OutboxRelay):
    swallowed = False

    async def sweep(self) -> int:
        if not self.swallowed:
            with contextlib.suppress(asyncio.CancelledError):  # as some driver calls do, once
                await asyncio.sleep(10)
            self.swallowed = True
        return 0


async def test_stop_ends_a_relay_whose_pass_swallowed_the_cancellation() -> None:
    relay = SwallowingRelay(NoPublisher(), retry_seconds=0.01, full_sweep_seconds=0)
    relay.start()
    await asyncio.sleep(0.05)
    stopping = asyncio.create_task(relay.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5)
    assert stopping in done, "stop waits for a relay that goes on"
    assert relay.swallowed
