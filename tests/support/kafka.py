"""Raw Kafka access for tests: publish hand-made records, read a topic from the beginning."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
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


async def read_topic(
    bootstrap: str, topic: str, at_least: int, timeout_s: float = 20
) -> list[ConsumerRecord]:
    """Records of a topic from its beginning, once at least `at_least` arrived (or the timeout)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"test-reader-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = datetime.now(UTC).timestamp() + timeout_s
        while len(records) < at_least and datetime.now(UTC).timestamp() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


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
