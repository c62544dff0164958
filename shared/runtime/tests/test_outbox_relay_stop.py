"""The relay stops even when a library call of its pass swallowed the cancellation."""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import cast

from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.outbox import OutboxRelay
from parkops_runtime.owners import Owners
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.services import eventually


class NoPublisher:
    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        raise AssertionError("nothing to publish")


class QuietOwners(Owners):
    """No store: this test is about the relay's loop."""

    def __init__(self) -> None:
        super().__init__(cast("AsyncCollection[Document]", None), "me", dead_after=1)

    async def beat(self) -> None:
        pass


class SwallowingRelay(OutboxRelay):
    swallowed = entered = False

    async def sweep(self) -> int:
        self.entered = True
        if not self.swallowed:
            with contextlib.suppress(asyncio.CancelledError):  # as some driver calls do, once
                await asyncio.sleep(10)
            self.swallowed = True
        return 0


async def test_stop_ends_a_relay_whose_pass_swallowed_the_cancellation() -> None:
    relay = SwallowingRelay(
        NoPublisher(), QuietOwners(), retry_seconds=0.01, full_sweep_seconds=0, beat_seconds=0.01
    )
    relay.start()

    async def in_its_pass() -> bool:
        return relay.entered

    await eventually(in_its_pass, within=5)
    stopping = asyncio.create_task(relay.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5)
    assert stopping in done, "stop waits for a relay that goes on"
    assert relay.swallowed
