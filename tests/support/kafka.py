"""Raw Kafka access for tests: publish hand-made records, read a whole topic until it is quiet."""

import asyncio
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta


def envelope(
    event: type[Event], event_id: str | None = None, source: str = "/parkops/leasing"
) -> dict[str, str]:
    meta = CloudEventMeta(
        id=event_id or uuid.uuid4().hex, source=source, type=event.ce_type(), time=datetime.now(UTC)
    )
    return meta.to_headers()


async def produce(
    bootstrap: str, topic: str, records: Sequence[tuple[bytes, dict[str, str]]], key: bytes
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for value, headers in records:
            await producer.send_and_wait(
                topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
            )
    finally:
        await producer.stop()


async def read_all(
    bootstrap: str, topic: str, at_least: int = 0, timeout_s: float = 20, *, quiet_s: float = 1.0
) -> list[ConsumerRecord]:
    """Every record of a topic from its beginning, returned once the topic is quiet: at least
    `at_least` records read, every partition read to its end offset, and no new record for `quiet_s`.

    Nothing is de-duplicated, so a test can check "exactly N" and see a copy that comes late. At the
    timeout it returns what it has (an "exactly N" check then fails with the count it saw). A topic
    that does not exist yet is not created; it is looked for again until the reader returns."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = time.monotonic() + timeout_s
        last_seen = time.monotonic()
        partitions: list[TopicPartition] = []
        while time.monotonic() < deadline:
            if not partitions:
                partitions = await _partitions_of(admin, topic)
                if partitions:
                    consumer.assign(partitions)
                    await consumer.seek_to_beginning(*partitions)
            if partitions:
                for batch in (await consumer.getmany(*partitions, timeout_ms=200)).values():
                    if batch:
                        records.extend(batch)
                        last_seen = time.monotonic()
            else:
                await asyncio.sleep(0.2)
            quiet = time.monotonic() - last_seen >= quiet_s
            if quiet and len(records) >= at_least and await _at_end(consumer, partitions):
                break
    finally:
        await consumer.stop()
        await admin.close()
    return records


async def _partitions_of(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    # All topics' metadata: asking for one topic by name would let the broker auto-create it.
    for described in await admin.describe_topics(None):
        if described["topic"] == topic and described["error_code"] == 0:
            return [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    return []


async def _at_end(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> bool:
    if not partitions:
        return True
    ends = await consumer.end_offsets(partitions)
    positions = [await consumer.position(tp) for tp in partitions]
    return all(at >= ends[tp] for at, tp in zip(positions, partitions, strict=True))


async def delete_topics_of_runs(bootstrap: str, runs: Sequence[str]) -> int:
    """Delete the topics whose prefix is one of these test runs' (`t<run>...`); returns how many."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        prefixes = tuple(f"t{run}" for run in runs)
        doomed = [t for t in await admin.list_topics() if t.startswith(prefixes)]
        if doomed:
            await admin.delete_topics(doomed)
        return len(doomed)
    finally:
        await admin.close()
