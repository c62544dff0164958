"""Which instances of the tickets service are alive, so that a survivor adopts a dead one's due times.

Each instance tracks its own writes in its due index; another instance's tickets reach it only by a
full read of the store (on FerretDB a decode of every ticket: minutes at 1M tickets, with requests
waiting behind it). So instead of re-reading on a timer, every instance keeps a heartbeat document
(written by its `_id`), and an instance re-reads the store when it sees another's heartbeat go stale:
that instance stopped or died, and its tickets' due times need a new owner."""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from parkops_runtime.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection

log = structlog.get_logger(__name__)
MISSED_BEATS = 6  # a heartbeat this many intervals old: the instance is gone
FORGOTTEN_AFTER = 100  # intervals after which every survivor has seen it go; its document is deleted


class Instances:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        instance_id: str,
        interval: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._collection, self.instance_id = collection, instance_id
        self._interval, self._clock = interval, clock
        self._gone: set[str] = set()
        self._beats = 0
        self._orphans_waiting = False
        self._task: asyncio.Task[None] | None = None

    def take_orphans(self) -> bool:
        """Whether an instance went away since the last call (its due times need adopting)."""
        waiting, self._orphans_waiting = self._orphans_waiting, False
        return waiting

    async def beat(self) -> None:
        """Record this instance alive, and note the instances whose heartbeat went stale. Those already
        gone at the first beat need nothing: the read of the store at start-up covers their tickets."""
        now, first = self._clock(), self._beats == 0
        self._beats += 1
        await self._collection.replace_one({"_id": self.instance_id}, {"seen_at": now}, upsert=True)
        async for doc in self._collection.find({}):
            silent = now - doc["seen_at"]
            if doc["_id"] == self.instance_id or silent < MISSED_BEATS * self._interval:
                continue
            if doc["_id"] not in self._gone:
                self._gone.add(doc["_id"])
                self._orphans_waiting = self._orphans_waiting or not first
                log.info("a tickets instance went away; adopting its tickets", instance=doc["_id"])
            if silent >= FORGOTTEN_AFTER * self._interval:
                await self._collection.delete_one({"_id": doc["_id"]})

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
            except Exception:
                log.exception("heartbeat failed; retrying")
            await asyncio.sleep(self._interval.total_seconds())

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="instance-heartbeat")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
