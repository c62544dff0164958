"""Fixtures of the runtime's tests over the real store."""

from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.infra import Infra
from tests.support.services import run_id

Doc = dict[str, object]


@pytest.fixture
async def things(infra: Infra) -> AsyncIterator[AsyncCollection[Doc]]:
    """A fresh collection of aggregates in a database of its own."""
    client: AsyncMongoClient[Doc] = AsyncMongoClient(infra.mongodb_url, maxPoolSize=50)
    yield client[f"t{run_id()}_outbox"]["things"]
    await client.close()
