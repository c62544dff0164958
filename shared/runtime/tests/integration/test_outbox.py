"""The outbox over the real store: state and events in one write, published once the broker answers."""

from collections.abc import Sequence

import pytest
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection, OutboxRelay
from pymongo import AsyncMongoClient

from tests.support.infra import Infra
from tests.support.services import run_id


class FlakyPublisher:
    """Refuses the first `failures` publishes, like a broker that is briefly unreachable."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[str] = []

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unreachable")
        self.sent.extend(e.id for e in events)


def event(n: int) -> OutboundEvent:
    return OutboundEvent(id=f"e{n}", topic="t", key="k", value="{}", headers={"ce_id": f"e{n}"})


async def test_a_failed_publish_stays_in_the_outbox_and_is_retried_in_order(infra: Infra) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infra.mongodb_url)
    collection = client[f"t{run_id()}_outbox"]["things"]
    publisher = FlakyPublisher(failures=1)
    relay = OutboxRelay(publisher, retry_seconds=1, full_sweep_seconds=60)  # type: ignore[arg-type]
    things = AggregateCollection(collection, relay)

    await things.insert("a", {"state": 1}, [event(1)])
    assert publisher.sent == []
    stored = await collection.find_one({"_id": "a"})
    assert stored is not None
    assert [e["id"] for e in stored["_outbox"]] == ["e1"]

    await things.update("a", 1, {"state": 2}, [event(2)])  # publishes e1 and e2 together, in order
    assert publisher.sent == ["e1", "e2"]
    await relay.retry_failed()
    assert publisher.sent == ["e1", "e2"]
    assert (await collection.find_one({"_id": "a"})) == {"_id": "a", "state": 2, "_version": 2, "_outbox": []}

    with pytest.raises(ConcurrencyConflict):
        await things.update("a", 1, {"state": 3}, [event(3)])
    with pytest.raises(ConcurrencyConflict):
        await things.insert("a", {"state": 0}, [])
    assert publisher.sent == ["e1", "e2"]
    await client.close()


async def test_the_sweep_publishes_what_a_crashed_process_left(infra: Infra) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infra.mongodb_url)
    collection = client[f"t{run_id()}_outbox"]["things"]
    await collection.insert_many(
        [
            {"_id": "x", "_version": 3, "_outbox": [event(7).to_document(), event(8).to_document()]},
            {"_id": "y", "_version": 1, "_outbox": []},
        ]
    )
    publisher = FlakyPublisher(failures=0)
    relay = OutboxRelay(publisher, retry_seconds=1, full_sweep_seconds=60)  # type: ignore[arg-type]
    relay.watch(collection)
    assert await relay.sweep() == 2
    assert publisher.sent == ["e7", "e8"]
    assert await relay.sweep() == 0
    await client.close()
