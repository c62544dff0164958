"""Baseline anchors for the service pipeline, measured on this machine in one run.

raw-relay:   aiokafka batch consume -> idempotent produce -> commit (no store)
raw-store:   aiokafka batch consume -> inbox insert + projection upserts folded per key -> produce -> commit
faststream:  a plain FastStream subscriber (default settings) doing one update per message

Usage: python raw_pipeline.py [BOOTSTRAP] [MONGO_URL] [N]
Needs aiokafka, pymongo >= 4.13 and faststream[kafka], a running broker and store.
"""

import asyncio
import contextlib
import json
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.errors import BulkWriteError

BOOT = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:19092"
MONGO = sys.argv[2] if len(sys.argv) > 2 else "mongodb://127.0.0.1:37017/"
N = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
RUN = uuid.uuid4().hex[:6]


def event(i: int) -> bytes:
    body = {"tenant_id": f"t{i}", "park_id": f"p{i % 20}", "area_m2": 120.5, "industry": "C39"}
    return json.dumps(body).encode()


async def fill(topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOT)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 3, 1)])
    await admin.close()
    p = AIOKafkaProducer(bootstrap_servers=BOOT, enable_idempotence=True, linger_ms=5)
    await p.start()
    for i in range(N):
        await p.send(
            topic,
            event(i),
            key=f"p{i % 20}".encode(),
            headers=[("ce_id", str(i).encode()), ("ce_type", b"TenantOnboarded")],
        )
    await p.flush()
    await p.stop()


async def relay(src: str, dst: str, db=None) -> float:
    c = AIOKafkaConsumer(
        src,
        bootstrap_servers=BOOT,
        group_id=f"g-{dst}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=2000,
    )
    p = AIOKafkaProducer(bootstrap_servers=BOOT, enable_idempotence=True, linger_ms=5)
    await c.start()
    await p.start()
    done, t0 = 0, None
    while done < N:
        batches = await c.getmany(timeout_ms=1000)
        for msgs in batches.values():
            if t0 is None:
                t0 = time.perf_counter()
            if db is not None:
                ops_inbox = [InsertOne({"_id": dict(m.headers)["ce_id"].decode()}) for m in msgs]
                with contextlib.suppress(BulkWriteError):  # a redelivered event is already in the inbox
                    await db.inbox.bulk_write(ops_inbox, ordered=False)
                folded: dict[str, int] = {}
                for m in msgs:
                    park = json.loads(m.value)["park_id"]
                    folded[park] = folded.get(park, 0) + 1
                ops = [
                    UpdateOne({"_id": k}, {"$inc": {"tenants": n, "area": 120.5 * n}}, upsert=True)
                    for k, n in folded.items()
                ]
                for k in range(0, len(ops), 50):  # FerretDB 1.x deadlocks on long update commands
                    await db.occupancy.bulk_write(ops[k : k + 50], ordered=False)
            futs = [await p.send(dst, m.value, key=m.key, headers=list(m.headers)) for m in msgs]
            await asyncio.gather(*futs)
            done += len(msgs)
        await c.commit()
    dt = time.perf_counter() - t0
    await c.stop()
    await p.stop()
    return N / dt


async def faststream_naive(src: str, db) -> float:
    from faststream.kafka import KafkaBroker

    broker = KafkaBroker(BOOT)
    seen = {"n": 0, "t0": None}
    finished = asyncio.Event()

    @broker.subscriber(src, group_id=f"fs-{src}", auto_offset_reset="earliest")
    async def handle(body: dict) -> None:
        if seen["t0"] is None:
            seen["t0"] = time.perf_counter()
        await db.occupancy_fs.update_one({"_id": body["park_id"]}, {"$inc": {"tenants": 1}}, upsert=True)
        seen["n"] += 1
        if seen["n"] >= N:
            finished.set()

    await broker.start()
    await asyncio.wait_for(finished.wait(), timeout=900)
    dt = time.perf_counter() - seen["t0"]
    await broker.stop()
    return N / dt


async def main() -> None:
    db = AsyncMongoClient(MONGO)[f"bench_{RUN}"]
    src, dst, dst2 = f"bench.{RUN}.in", f"bench.{RUN}.out", f"bench.{RUN}.out2"
    t = time.perf_counter()
    await fill(src)
    print(f"fill {N} events (idempotent producer): {N / (time.perf_counter() - t):,.0f} ev/s")
    print(f"raw-relay  consume->produce->commit:              {await relay(src, dst):,.0f} ev/s")
    print(f"raw-store  consume->inbox+folded upsert->produce: {await relay(src, dst2, db):,.0f} ev/s")
    print(f"faststream default subscriber, one update/msg:    {await faststream_naive(src, db):,.0f} ev/s")


asyncio.run(main())
