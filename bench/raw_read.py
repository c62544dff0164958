"""The baseline every consuming bench puts beside its service: a bare aiokafka consumer reading every
record of the same topics (no decode), optionally inserting each batch into a fresh collection."""

import time
import uuid

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from tests.support.infra import Infra


async def raw_read(infra: Infra, topics: set[str], n: int, store: bool = False) -> float:
    """Events per second from the first record to the `n`th (the group join before it not counted; reading
    stops after 120 s, the rate is then of what was read); with `store`, also insert_many each batch's flat
    facts (no decode, no dedup check, no fold): the floor of a consumer that keeps an inbox in this store."""
    client: AsyncMongoClient[dict[str, str]] | None = AsyncMongoClient(infra.mongodb_url) if store else None
    inbox = client[f"raw_{uuid.uuid4().hex[:6]}"]["inbox"] if client else None
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=f"raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=2000,
    )
    await consumer.start()
    seen, started = 0, None
    deadline = time.monotonic() + 120
    try:
        while seen < n and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=200, max_records=2000)).values():
                if started is None:
                    started = time.perf_counter()
                seen += len(records)
                if inbox is not None:
                    await inbox.insert_many(
                        [
                            {"_id": f"{r.topic}#{r.partition}#{r.offset}", "data": r.value.decode()}
                            for r in records
                        ]
                    )
    finally:
        await consumer.stop()
        if client is not None and inbox is not None:
            await client.drop_database(inbox.database.name)
            await client.close()
    assert started is not None, "raw consumer got nothing"
    return seen / (time.perf_counter() - started)
