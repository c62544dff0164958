"""Every replica follows every partition: how an in-memory read model reaches all replicas of a service.

A consumer group shares partitions out, so with two replicas each would fold half of the events into its
read model and answer wrongly. A `Follower` reads every partition of its topics with no consumer group and
no committed offsets: each replica folds every event itself. What the service writes to its store in
answer to an event stays with its consumer group (once, deduplicated by the inbox); a follower only
folds into memory. A follower given `dead_letter` validates for its service: it hands each malformed
record to it (which dead-letters it once across replicas: `dead_letters`) before folding the valid rest,
so the service's group need not decode those topics again; without it, malformed records are skipped.

A follower starts from the offsets a snapshot reflects (`parkops_runtime.snapshots`) or from the
beginning, and is `ready` once it has folded everything that was on its topics when it started. Reads
that must see a given write wait for `reached(offsets)`; `lag()` says how far behind the log it is."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from parkops_contracts.base import Event

from parkops_runtime.consumer import TRANSIENT_ERRORS, Delivery, MalformedEvent, decode
from parkops_runtime.kafka_metadata import partitions_on_cluster
from parkops_runtime.tasks import stop_task

Offsets = dict[str, int]
"""The next offset to read per partition, keyed `topic:partition` (a JSON- and BSON-friendly key)."""
Fold = Callable[[Sequence[Delivery]], None]
Reject = Callable[[Any, str], Awaitable[None]]
"""A malformed record (an aiokafka ConsumerRecord) and the reason, to dead-letter."""
log = structlog.get_logger(__name__)
START_ATTEMPTS = 20
START_RETRY_SECONDS = 0.5
POLL_SECONDS = 0.2
REJECT_RETRY_SECONDS = 1.0


def position_key(topic: str, partition: int) -> str:
    return f"{topic}:{partition}"


def partition_of(key: str) -> TopicPartition:
    topic, _, partition = key.rpartition(":")
    return TopicPartition(topic, int(partition))


def behind(position: Mapping[str, int], target: Mapping[str, int]) -> int:
    """How many records `position` still has to read to reach `target` (0: it has reached it)."""
    return sum(max(0, end - position.get(key, 0)) for key, end in target.items())


class Follower:
    def __init__(
        self,
        bootstrap_servers: str,
        contracts: Sequence[type[Event]],
        fold: Fold,
        *,
        topic_prefix: str,
        max_records: int = 2_000,
        rediscover_seconds: float = 5.0,
        dead_letter: Reject | None = None,
    ) -> None:
        """`fold` is synchronous on purpose: between two folds the read model and `position` agree, so a
        snapshot taken without an `await` reflects exactly the offsets it is saved with."""
        self._by_topic = {c.topic(topic_prefix): c for c in contracts}
        self._fold, self._max_records, self._rediscover = fold, max_records, rediscover_seconds
        self._dead_letter = dead_letter
        self._bootstrap_servers = bootstrap_servers
        self._consumer_of_start: AIOKafkaConsumer | None = None  # made in start(): it needs the loop
        self.position: Offsets = {}
        self._target: Offsets = {}  # the ends of the partitions when they were first assigned
        self._ready = asyncio.Event()
        self._advanced = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def start(self, start_at: Offsets | None = None) -> None:
        """Assign every partition of the topics and follow from `start_at` (a snapshot's offsets)."""
        self.position = dict(start_at or {})
        self._consumer_of_start = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap_servers, group_id=None, enable_auto_commit=False
        )
        await self._consumer.start()
        for _ in range(START_ATTEMPTS - 1):
            if await self._try_assign_new_partitions():
                break
            await asyncio.sleep(START_RETRY_SECONDS)
        else:
            await self._assign_new_partitions()  # the last attempt: its error stops the start-up
        self._task = asyncio.create_task(self._follow(), name="follower")

    async def stop(self) -> None:
        await stop_task(self._task)
        if self._consumer_of_start is not None:
            await self._consumer_of_start.stop()

    @property
    def _consumer(self) -> AIOKafkaConsumer:
        assert self._consumer_of_start is not None, "the follower has not started"
        return self._consumer_of_start

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def reached(self, target: Mapping[str, int]) -> None:
        """Returns once the follower has folded everything before `target` (bound it with a timeout)."""
        await self.folded_until(lambda: behind(self.position, target) == 0)

    async def folded_until(self, done: Callable[[], bool]) -> None:
        """Returns once `done()` holds, asked again after each batch folded (bound it with a timeout)."""
        async with self._advanced:
            await self._advanced.wait_for(done)

    async def lag(self) -> int:
        """Records on the topics not folded yet."""
        ends = await self._consumer.end_offsets([partition_of(k) for k in self.position])
        return behind(self.position, {position_key(tp.topic, tp.partition): end for tp, end in ends.items()})

    async def _try_assign_new_partitions(self) -> bool:
        """A topic created a moment ago may have no partition leader yet: the broker refuses its offsets
        for a while. Nothing is assigned then, and the next attempt tries again."""
        try:
            await self._assign_new_partitions()
        except KafkaError as exc:
            log.warning("follower cannot assign new partitions yet", error=repr(exc))
            return False
        return True

    async def _assign_new_partitions(self) -> None:
        """Partitions of topics that exist now; a topic created later is picked up on rediscovery."""
        found = await partitions_on_cluster(self._consumer, self._by_topic)
        new = [tp for tp in found if tp not in self._consumer.assignment()]
        if not new:
            return
        ends = await self._consumer.end_offsets(new)  # before assigning: a refusal leaves them new
        starts = await self._consumer.beginning_offsets(new)
        self._consumer.assign([*self._consumer.assignment(), *new])
        for tp in new:
            key = position_key(tp.topic, tp.partition)
            self._target[key] = ends[tp]
            # A position the log no longer holds (retention) starts at what it still has.
            self.position[key] = max(self.position.get(key, 0), starts[tp])
            self._consumer.seek(tp, self.position[key])
        self._check_ready()

    async def _follow(self) -> None:
        loop = asyncio.get_running_loop()
        rediscover_at = loop.time() + self._rediscover
        while True:
            batches = await self._next_batches()
            for tp, records in batches.items():
                await self._fold_records(tp, records)
            if batches:
                async with self._advanced:
                    self._advanced.notify_all()
            self._check_ready()
            if loop.time() >= rediscover_at:
                await self._try_assign_new_partitions()
                rediscover_at = loop.time() + self._rediscover

    async def _next_batches(self) -> dict[TopicPartition, list[Any]]:
        if not self._consumer.assignment():  # none of its topics exists yet; getmany would wait for ever
            await asyncio.sleep(POLL_SECONDS)
            return {}
        batches: dict[TopicPartition, list[Any]] = await self._consumer.getmany(
            timeout_ms=int(POLL_SECONDS * 1000), max_records=self._max_records
        )
        return batches

    async def _fold_records(self, tp: TopicPartition, records: Sequence[Any]) -> None:
        deliveries, malformed = [], []
        for record in records:
            try:
                deliveries.append(decode(record, self._by_topic))
            except MalformedEvent as exc:
                malformed.append((record, str(exc)))
        for record, reason in malformed:  # before the fold: no `await` between a fold and its position
            await self._reject(record, reason)
        if deliveries:
            self._fold(deliveries)
        self.position[position_key(tp.topic, tp.partition)] = records[-1].offset + 1

    async def _reject(self, record: Any, reason: str) -> None:
        """Dead-letter the record, trying again while the store or broker is unreachable (the follower
        waits: its position must not pass a record whose dead letter is not recorded)."""
        if self._dead_letter is None:
            log.debug("follower skips a malformed event", reason=reason, offset=record.offset)
            return
        while True:
            try:
                await self._dead_letter(record, reason)
                return
            except TRANSIENT_ERRORS:
                log.warning("cannot dead-letter yet; trying again", offset=record.offset, exc_info=True)
                await asyncio.sleep(REJECT_RETRY_SECONDS)

    def _check_ready(self) -> None:
        if not self._ready.is_set() and behind(self.position, self._target) == 0:
            self._ready.set()
