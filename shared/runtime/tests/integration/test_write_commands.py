"""What a create and an update cost the real store, command by command (issue #18): a regression that adds
a round trip to the write path fails here. bench/write_commands.py counts the same through services."""

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pytest
from parkops_runtime import aggregates as aggregates_module
from parkops_runtime import outbox as outbox_module
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import SEEN_FOR, AggregateCollection, OutboxRelay
from parkops_runtime.owners import Owners
from pymongo import AsyncMongoClient, monitoring

from tests.support.infra import Infra
from tests.support.services import run_id
from tests.support.tally import Tally, TallyCodec, outbound

Doc = dict[str, object]


class Commands(monitoring.CommandListener):
    """The commands sent, as (command, collection)."""

    def __init__(self) -> None:
        self.sent: Counter[tuple[str, str]] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.sent[(event.command_name, str(event.command.get(event.command_name)))] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def take(self) -> dict[tuple[str, str], int]:
        taken, self.sent = dict(self.sent), Counter()
        return taken


class Clock:
    """The monotonic clock of the store layer, standing still unless a test moves it: what "a moment
    ago" means is then the test's choice, not the machine's load."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sent:
    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        pass


@dataclass
class Process:
    aggregates: AggregateCollection
    store: AggregateStore[Tally]
    relay: OutboxRelay
    commands: Commands
    clock: Clock

    async def cost(self, aggregate_id: str, visitors: int) -> dict[tuple[str, str], int]:
        """The commands of one change, its publish and its commit's delete included."""
        self.commands.take()
        await self.store.change(aggregate_id, lambda t: t.count(visitors), create=lambda: Tally(aggregate_id))
        await self.relay.flush()
        return self.commands.take()


@pytest.fixture
async def process(infra: Infra, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Process]:
    clock = Clock()
    monkeypatch.setattr(outbox_module, "monotonic", clock)
    monkeypatch.setattr(aggregates_module, "monotonic", clock)
    commands = Commands()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(infra.mongodb_url, event_listeners=[commands])
    database = client[f"t{run_id()}_write_commands"]
    aggregates = AggregateCollection(database["things"])
    owners = Owners(database["outbox.owners"], uuid.uuid4().hex, dead_after=10)
    relay = OutboxRelay(Sent(), owners, retry_seconds=1, full_sweep_seconds=60)
    relay.watch(aggregates)
    await owners.beat()  # what a service does before its first write: its beat says it deletes late
    store = AggregateStore(aggregates, TallyCodec(), outbound, kind="tally")
    yield Process(aggregates, store, relay, commands, clock)
    await client.drop_database(database.name)
    await client.close()


CREATE = {
    ("find", "things"): 1,  # is there one? (none)
    ("insert", "things.commits"): 1,  # the claim of version 1: state and events, durable together
    ("insert", "things"): 1,  # the state
    ("delete", "things.commits"): 1,  # once published
}
UPDATE = {
    ("find", "things"): 1,  # the remembered version still the stored one?
    ("insert", "things.commits"): 1,
    ("update", "things"): 1,  # the state replaced: the claim came within SEEN_FOR of that read
    ("delete", "things.commits"): 1,
}


async def test_a_create_and_an_update_cost_four_commands_each(process: Process) -> None:
    assert await process.cost("p1", 1) == CREATE
    process.clock.now += 3600  # remembered, but read long ago
    assert await process.cost("p1", 2) == UPDATE


async def test_a_write_right_after_a_read_or_a_write_does_not_read_again(process: Process) -> None:
    unread = {k: n for k, n in UPDATE.items() if k != ("find", "things")}
    await process.cost("p1", 1)
    assert await process.cost("p1", 2) == unread
    process.clock.now += 3600
    await process.store.get("p1")  # what a service reads before it writes (access, a 404)
    assert await process.cost("p1", 3) == unread


async def test_a_claim_stored_seen_for_after_the_read_reads_the_version_again(process: Process) -> None:
    await process.cost("p1", 1)
    aggregates = process.aggregates
    process.commands.take()
    version = await aggregates.version("p1")
    process.clock.now += 2 * SEEN_FOR  # the claim comes too late to rule out another writer's version
    await aggregates.update("p1", version, {"park_id": "p1", "total": 5}, [])
    await process.relay.flush()
    assert process.commands.take() == UPDATE | {("find", "things"): 2}


async def test_while_a_live_process_does_not_delete_late_the_version_is_read_after_every_claim(
    process: Process,
) -> None:
    await process.cost("p1", 1)
    owners = process.relay.owners
    await owners.collection.insert_one({"_id": "older-version", "n": 1})  # a beat without the flag
    await owners.refresh()
    process.commands.take()
    version = await process.aggregates.version("p1")
    await process.aggregates.update("p1", version, {"park_id": "p1", "total": 5}, [])
    await process.relay.flush()
    assert process.commands.take() == UPDATE | {("find", "things"): 2}
