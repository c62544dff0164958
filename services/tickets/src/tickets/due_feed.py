"""The breach scanner's due index on every replica, from a checkpoint plus the tickets' events since.

Start-up, in the background (the service answers meanwhile; readiness waits): the latest checkpoint
(`parkops_runtime.snapshots`: the index's entries, the tickets still to re-read, and the offsets of
the tickets' topics it reflects), then the tickets' events since those
offsets, followed on every partition with no consumer group (`parkops_runtime.follower`), so every
replica holds every ticket's due times and any one of them can fire a breach (the unique claim decides
which: `tickets.breaches`). Only a database with no checkpoint yet reads every ticket, once: the log's
end offsets are taken first, so a ticket written during that read is folded after it; the result is
saved as the first checkpoint at once, and any replica saves a new one every `every_seconds` when it
folded or wrote anything since.

The fold: `TicketOpened` carries both due times and is indexed as it is; any other event of a ticket
(acknowledged, resolved, reopened, rated, breached) marks it to re-read by `_id`, in the background, and
its entries are replaced by what it holds then. A change that publishes nothing (a deferral) reaches
the replica that wrote it at once and the others when the entry they hold comes due: the scanner re-reads
the ticket before claiming and re-indexes it when it is not due yet (`BreachScanner._claim`)."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

import structlog
from aiokafka import AIOKafkaConsumer
from parkops_contracts.base import Event
from parkops_contracts.events.tickets import (
    TicketAcknowledged,
    TicketOpened,
    TicketRated,
    TicketReopened,
    TicketResolved,
    TicketSlaBreached,
)
from parkops_runtime.consumer import Delivery
from parkops_runtime.follower import Fold, Follower, Offsets, position_key
from parkops_runtime.kafka_metadata import partitions_on_cluster
from parkops_runtime.service import settle_memory
from parkops_runtime.snapshots import CorruptSnapshot, Snapshots
from parkops_runtime.tasks import stop_task

from tickets.breaches import BreachScanner
from tickets.domain.due_index import DueEntry, dump_entries, load_entries
from tickets.repository import due_entries

log = structlog.get_logger(__name__)
SNAPSHOT = "tickets-due-index"
FOLLOWED: tuple[type[Event], ...] = (
    TicketOpened,
    TicketAcknowledged,
    TicketResolved,
    TicketReopened,
    TicketRated,
    TicketSlaBreached,
)
REREADS_AT_ONCE = 8
REREAD_PAUSE_SECONDS = 0.1


async def end_offsets(bootstrap_servers: str, topics: Sequence[str]) -> Offsets:
    """Where the log of these topics ends now (a topic not created yet: nothing to skip)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await partitions_on_cluster(consumer, topics)
        ends = await consumer.end_offsets(parts) if parts else {}
        return {position_key(tp.topic, tp.partition): end for tp, end in ends.items()}
    finally:
        await consumer.stop()


class DueFeed:
    def __init__(
        self,
        scanner: BreachScanner,
        follower_of: Callable[[Fold], Follower],
        snapshots: Snapshots,
        *,
        log_ends: Callable[[], Awaitable[Offsets]],
        every_seconds: float,
    ) -> None:
        self._scanner, self._documents, self._snapshots = scanner, scanner.documents, snapshots
        self._log_ends, self._every_seconds = log_ends, every_seconds
        self.follower = follower_of(self.fold)
        self.dirty: set[str] = set()
        self._rereading: set[str] = set()
        self.changed = False  # folded or written since the last checkpoint
        self.from_checkpoint = False
        self.ready_seconds = 0.0
        self._tasks: list[asyncio.Task[None]] = []

    async def ready(self) -> bool:
        """Readiness: the index reflects the log as it was when this replica started."""
        return self.follower.ready

    def fold(self, deliveries: Sequence[Delivery]) -> None:
        index = self._scanner.index
        for delivery in deliveries:
            event = delivery.event
            if isinstance(event, TicketOpened):
                ids = (event.park_id, event.group_id, event.category.value, event.priority.value)
                index.put(DueEntry(event.response_due, event.ticket_id, "response", *ids))
                index.put(DueEntry(event.resolution_due, event.ticket_id, "resolution", *ids))
            else:
                self.dirty.add(getattr(event, "ticket_id", ""))
        self.dirty.discard("")
        self.changed = True

    def start(self) -> None:
        """Load in the background: the service answers meanwhile, and is ready once this is done."""
        self._tasks = [asyncio.create_task(self._start(), name="due-index-start")]

    async def _start(self) -> None:
        began = time.monotonic()
        while True:
            try:
                await self._load()
                break
            except Exception:  # e.g. the store or the broker away: tried again
                log.exception("due index could not load; retrying")
                await self.follower.stop()
                await asyncio.sleep(1)
        self._tasks += [
            asyncio.create_task(self._reread(), name="due-index-reread"),
            asyncio.create_task(self._checkpoints(began), name="due-index-checkpoints"),
        ]

    async def _load(self) -> None:
        offsets = await self._restore()
        if offsets is None:
            offsets = await self._log_ends()  # before the store is read: later writes are folded after
            indexed = await self._scanner.rebuild()
            log.info("due index read from every ticket (no checkpoint yet)", entries=indexed)
            await self.checkpoint(offsets)
        await self.follower.start(offsets)

    async def stop(self) -> None:
        for task in self._tasks:
            await stop_task(task)
        await self.follower.stop()

    async def checkpoint(self, offsets: Offsets | None = None) -> int:
        """Save the index with the offsets it reflects; returns the snapshot's size. Index, tickets to
        re-read and offsets are taken with no `await` between them; the encoding runs in a thread."""
        frozen, dirty = self._scanner.index.frozen(), self.dirty | self._rereading
        at = dict(self.follower.position if offsets is None else offsets)
        self.changed = False
        state = await asyncio.to_thread(lambda: dump_entries(frozen.entries(), dirty))
        return await self._snapshots.save(SNAPSHOT, state, at)

    async def _restore(self) -> Offsets | None:
        try:
            snapshot = await self._snapshots.load(SNAPSHOT)
            if snapshot is None:
                return None
            index, dirty = await asyncio.to_thread(load_entries, snapshot.state)
        except (CorruptSnapshot, ValueError, KeyError, TypeError):
            log.warning("unreadable due-index checkpoint; reading every ticket instead", exc_info=True)
            return None
        self._scanner.restore(index)
        self.dirty |= dirty
        self.from_checkpoint = True
        settle_memory()
        return snapshot.offsets

    async def _reread(self) -> None:
        """Replace the entries of tickets another event named by what the store holds now."""
        slots = asyncio.Semaphore(REREADS_AT_ONCE)

        async def reread(ticket_id: str) -> None:
            async with slots:
                try:
                    doc = await self._documents.due_document(ticket_id)
                except Exception:
                    log.warning("due index re-read failed; retrying", ticket_id=ticket_id, exc_info=True)
                    self.dirty.add(ticket_id)
                    return
                self._scanner.replace(ticket_id, due_entries(doc) if doc else [])

        while True:
            self._rereading, self.dirty = self.dirty, set()
            await asyncio.gather(*(reread(t) for t in self._rereading))
            self._rereading = set()
            await asyncio.sleep(REREAD_PAUSE_SECONDS)

    async def _checkpoints(self, began: float) -> None:
        await self.follower.wait_ready()
        self.ready_seconds = time.monotonic() - began
        log.info(
            "due index ready", from_checkpoint=self.from_checkpoint, seconds=round(self.ready_seconds, 2)
        )
        while True:
            await asyncio.sleep(self._every_seconds)
            if self.changed or self._scanner.written:
                self._scanner.written = False
                try:
                    await self.checkpoint()
                except Exception:  # a failed checkpoint costs start-up time later, never the service
                    log.warning("due index checkpoint failed", exc_info=True)
