"""Batched inserts and deletes over the real store: each caller gets its own answer, fewer commands."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from parkops_runtime.batched import BatchedWrites
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import InvalidOperation

from tests.support.infra import Infra
from tests.support.services import run_id

Doc = dict[str, object]


class CommandCount(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(infra: Infra) -> AsyncIterator[tuple[AsyncCollection[Doc], CommandCount]]:
    count = CommandCount()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(infra.mongodb_url, event_listeners=[count])
    collection = client[f"t{run_id()}_batched"]["docs"]
    await collection.insert_one({"_id": "taken"})
    count.names.clear()
    yield collection, count
    await client.drop_database(collection.database.name)
    await client.close()


async def test_concurrent_inserts_share_commands_and_each_learns_whether_its_id_was_free(
    counted: tuple[AsyncCollection[Doc], CommandCount],
) -> None:
    collection, count = counted
    writes = BatchedWrites(collection)
    ids = [f"d{i}" for i in range(30)] + ["taken", "d3"]
    inserted = await asyncio.gather(*(writes.insert({"_id": i, "n": n}) for n, i in enumerate(ids)))
    assert inserted == [True] * 30 + [False, False]
    assert 1 <= count.names.count("insert") < len(ids)
    assert await collection.count_documents({}) == 31
    assert (await collection.find_one({"_id": "d3"}) or {}).get("n") == 3, "the first writer of an id wins"


async def test_concurrent_deletes_share_commands(counted: tuple[AsyncCollection[Doc], CommandCount]) -> None:
    collection, count = counted
    await collection.insert_many([{"_id": f"d{i}"} for i in range(20)])
    writes = BatchedWrites(collection, delete_after=0.01)
    await asyncio.gather(*(writes.delete(f"d{i}") for i in range(20)))
    assert count.names.count("delete") == 1
    assert [doc["_id"] async for doc in collection.find({})] == ["taken"]


async def test_a_failed_command_fails_every_write_in_it(infra: Infra) -> None:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(infra.mongodb_url)
    writes = BatchedWrites(client[f"t{run_id()}_batched"]["docs"])
    await client.close()  # a closed client cannot send anything
    results = await asyncio.gather(
        writes.insert({"_id": "a"}), writes.insert({"_id": "b"}), return_exceptions=True
    )
    assert [type(r) for r in results] == [InvalidOperation, InvalidOperation]
