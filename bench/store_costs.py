"""What one store operation costs the store's own process: CPU ms per operation, and operations/s.

Eight concurrent clients run each operation on small documents of one collection; the store's CPU time
is read from /proc (the server must run on this machine: `scripts/infra up`). These figures bound what
any write path can reach here: e.g. a write made of an insert, an update and a delete costs FerretDB
about 2.5 ms of CPU, so two cores serve at most ~800 of them a second, with nothing left for the rest.

Usage: scripts/infra up && .venv/bin/python -m bench.store_costs [OPERATIONS]
"""

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.cpu import cpu_seconds, store_pid
from tests.support.services import run_id

CLIENTS = 8


async def measure(label: str, operation: Callable[[int], Awaitable[object]], n: int, pid: int) -> float:
    """Prints and returns the store's CPU ms per operation."""
    pending = list(range(n))

    async def client() -> None:
        while pending:
            await operation(pending.pop())

    cpu, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    elapsed, used = time.perf_counter() - started, cpu_seconds(pid) - cpu
    print(f"{label:<28} {n / elapsed:7,.0f} ops/s   store CPU {used / n * 1000:5.2f} ms/op")
    return used / n * 1000


COMMAND_COSTS = ("insert", "find", "update", "delete")
"""The command types a write sends; `update` is measured as the whole-document replace writes use."""


async def command_costs(database: AsyncDatabase[dict[str, object]], n: int, pid: int) -> dict[str, float]:
    """Store CPU ms per command of each type in `COMMAND_COSTS`, on `n` documents like an aggregate's."""
    docs = database["docs"]
    ids = [uuid.uuid4().hex for _ in range(n)]
    body = {"state": "open", "park_id": "p", "title": "x" * 50, "events": [{"n": 1, "v": "x" * 300}] * 2}
    try:
        return {
            "insert": await measure("insert_one", lambda i: docs.insert_one({"_id": ids[i], **body}), n, pid),
            "find": await measure("find_one by _id", lambda i: docs.find_one({"_id": ids[i]}), n, pid),
            "update": await measure(
                "replace_one by _id", lambda i: docs.replace_one({"_id": ids[i]}, body | {"s": 1}), n, pid
            ),
            "delete": await measure("delete_one by _id", lambda i: docs.delete_one({"_id": ids[i]}), n, pid),
        }
    finally:
        await docs.drop()


async def main(n: int) -> None:
    pid = store_pid()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/")
    )
    database = client[f"t{run_id()}_store_costs"]
    docs = database["docs"]
    ids = [uuid.uuid4().hex for _ in range(n)]
    body = {"state": "open", "park_id": "p", "title": "x" * 50, "events": [{"n": 1, "v": "x" * 300}] * 2}
    try:
        await measure("insert_one", lambda i: docs.insert_one({"_id": ids[i], **body}), n, pid)
        await measure("find_one by _id", lambda i: docs.find_one({"_id": ids[i]}), n, pid)
        await measure(
            "update_one by _id ($set)", lambda i: docs.update_one({"_id": ids[i]}, {"$set": {"s": 1}}), n, pid
        )
        await measure("delete_one by _id", lambda i: docs.delete_one({"_id": ids[i]}), n, pid)
        await measure(
            "insert_many of 10 documents",
            lambda i: docs.insert_many([{"_id": f"{ids[i]}-{j}", **body} for j in range(10)]),
            n // 10,
            pid,
        )
    finally:
        await client.drop_database(database.name)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
