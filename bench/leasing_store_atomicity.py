"""Which store operations are an atomic compare-and-set under concurrency (why leasing claims versions).

For T trials: N concurrent `update_one({_id, _version: 1})`, N concurrent `find_one_and_update` with
the same filter, and N concurrent `insert_one` of one `_id`. On an isolating store each trial has exactly
one winner. FerretDB 1.24 (SQLite) now and then lets several updates match (timing-dependent: one run
gave update_one [1, 1, 2, 11, 1, 1, 1, 1], another find_one_and_update [.., 6, 1]); the `_id` insert
always had exactly one winner.

Usage: scripts/infra up && eval "$(scripts/infra env)" &&
       .venv/bin/python bench/leasing_store_atomicity.py [N] [T]
"""

import asyncio
import os
import sys
import uuid

from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    url = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/")
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, maxPoolSize=n + 10)
    name = f"atomicity_{uuid.uuid4().hex[:6]}"
    docs, claims = client[name]["docs"], client[name]["claims"]

    async def update(i: int) -> int:
        result = await docs.update_one({"_id": "d", "_version": 1}, {"$set": {"_version": 2, "by": i}})
        return result.matched_count

    async def find_and_modify(i: int) -> int:
        found = await docs.find_one_and_update(
            {"_id": "d", "_version": 1}, {"$set": {"_version": 2, "by": i}}
        )
        return 1 if found else 0

    async def insert(i: int) -> int:
        try:
            await claims.insert_one({"_id": "d#2", "by": i})
        except DuplicateKeyError:
            return 0
        return 1

    print(f"store {url}: winners per trial of {n} concurrent writers (1 = atomic)")
    for label, op in (
        ("update_one", update),
        ("find_one_and_update", find_and_modify),
        ("insert_one", insert),
    ):
        winners = []
        for _ in range(trials):
            await docs.delete_many({})
            await claims.delete_many({})
            await docs.insert_one({"_id": "d", "_version": 1})
            winners.append(sum(await asyncio.gather(*(op(i) for i in range(n)))))
        print(f"  {label:<20} {winners}")
    await client.drop_database(name)
    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
