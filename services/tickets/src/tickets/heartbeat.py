"""Which instances of the tickets service are alive, so that a survivor adopts a dead one's due times.

Each instance tracks its own writes in its due index; another instance's tickets reach it only by a
full read of the store (on FerretDB a decode of every ticket: minutes at 1M tickets, with requests
waiting behind it). So instead of re-reading on a timer, every instance keeps a heartbeat document
(written by its `_id`), and an instance re-reads the store when it sees another's heartbeat go stale:
that instance stopped or died, and its tickets' due times need a new owner."""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from parkops_runtime.mongo import Document
from parkops_runtime.tasks import stop_task
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
        self._started = False
        self._orphans_waiting = False
        self._task: asyncio.Task[None] | None = None

    def take_orphans(self) -> bool:
        """Whether an instance went away since the last call (its due times need adopting)."""
        waiting, self._orphans_waiting = self._orphans_waiting, False
        return waiting

    async def beat(self) -> None:
        """Record this instance alive, and note the instances whose heartbeat went stale. Those already
        gone at the first beat need nothing: the read of the store at start-up covers their tickets."""
        now, first, self._started = self._clock(), not self._started, True
        await self._collection.replace_one({"_id": self.instance_id}, {"seen_at": now}, upsert=True)
        silent = {doc["_id"]: now - doc["seen_at"] async for doc in self._collection.find({})}
        for instance, silence in silent.items():
            if instance == self.instance_id or silence < MISSED_BEATS * self._interval:
                continue
            if instance not in self._gone and not first:
                self._orphans_waiting = True
                log.info("a tickets instance went away; adopting its tickets", instance=instance)
            self._gone.add(instance)
            if silence >= FORGOTTEN_AFTER * self._interval:
                await self._collection.delete_one({"_id": instance})

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
        await stop_task(self._task)
