"""Read models every replica holds whole, over the real broker and store: each follower folds every
partition, a snapshot round-trips whole, and a view started from a snapshot folds only the tail."""

import json
from collections.abc import AsyncIterator, Sequence
from typing import ClassVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import NotLeaderForPartitionError
from fastapi import APIRouter, Depends, FastAPI
from parkops_contracts.events.leasing import UnitListed
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.consumer import Delivery
from parkops_runtime.follower import Follower
from parkops_runtime.replicated_view import Checkpoints, ReplicatedView, follower_factory, fresh_read
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import ServiceSettings, settings_for
from parkops_runtime.snapshots import CHUNK, CorruptSnapshot, Snapshots
from parkops_runtime.topics import ensure_topics
from pymongo import AsyncMongoClient

from tests.support.events import unit_listed
from tests.support.infra import Infra
from tests.support.kafka import envelope, produce, read_all
from tests.support.services import eventually, isolated_settings, run_id, serving
from tests.support.tally import Tally, TallyCodec, VisitorsCounted

Doc = dict[str, object]
PARTITIONS = 3


class UnitIds:
    """A read model for the tests: the units listed, and how many events it was handed."""

    def __init__(self) -> None:
        self.units: set[str] = set()
        self.handed = 0

    def fold(self, deliveries: Sequence[Delivery]) -> None:
        self.handed += len(deliveries)
        self.units.update(d.event.unit_id for d in deliveries if isinstance(d.event, UnitListed))

    def dump(self) -> bytes:
        return json.dumps(sorted(self.units)).encode()

    def restore(self, state: bytes) -> None:
        self.units = set(json.loads(state))


@pytest.fixture
async def snapshots(infra: Infra) -> AsyncIterator[Snapshots]:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(infra.mongodb_url)
    yield Snapshots(client[f"t{run_id()}_views"]["snapshots"])
    await client.close()


async def list_units(infra: Infra, prefix: str, names: Sequence[str]) -> None:
    """One record per unit, keyed by the unit, so they spread over the topic's partitions."""
    topic = UnitListed.topic(prefix)
    await ensure_topics(infra.kafka_bootstrap_servers, [topic], partitions=PARTITIONS, replication=1)
    for name in names:
        record = (unit_listed(name).model_dump_json().encode(), envelope(UnitListed, event_id=name))
        await produce(infra.kafka_bootstrap_servers, topic, [record], key=name.encode())


def units(start: int, stop: int) -> list[str]:
    return [f"u{i}" for i in range(start, stop)]


async def test_two_followers_each_fold_every_partition(infra: Infra) -> None:
    prefix = f"t{run_id()}"
    await list_units(infra, prefix, units(0, 30))
    models = [UnitIds(), UnitIds()]
    followers = [
        Follower(infra.kafka_bootstrap_servers, [UnitListed], m.fold, topic_prefix=prefix) for m in models
    ]
    for follower in followers:
        await follower.start()
    try:
        for follower in followers:
            await follower.wait_ready()
        assert [m.units for m in models] == [set(units(0, 30))] * 2  # ready: all that was there at start
        assert len(followers[0].position) == PARTITIONS

        await list_units(infra, prefix, units(30, 40))  # and what comes after

        async def both_have_all() -> bool:
            return all(m.units == set(units(0, 40)) for m in models)

        await eventually(both_have_all)
        assert [await f.lag() for f in followers] == [0, 0]
        assert [m.handed for m in models] == [40, 40]
    finally:
        for follower in followers:
            await follower.stop()


async def test_a_follower_keeps_following_when_a_new_topics_offsets_are_refused_at_first(
    infra: Infra, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a fresh cluster a topic created after the follower started has no partition leader for a
    moment, and the broker refuses its offsets: the follower tries again at the next rediscovery."""
    prefix = f"t{run_id()}"
    model = UnitIds()
    follower = Follower(
        infra.kafka_bootstrap_servers, [UnitListed], model.fold, topic_prefix=prefix, rediscover_seconds=0.2
    )
    await follower.start()  # the topic does not exist yet
    real_end_offsets, refusals = AIOKafkaConsumer.end_offsets, [NotLeaderForPartitionError()]

    async def refused_once(self: AIOKafkaConsumer, partitions: list[TopicPartition]) -> object:
        if refusals:
            raise refusals.pop()
        return await real_end_offsets(self, partitions)

    monkeypatch.setattr(AIOKafkaConsumer, "end_offsets", refused_once)
    try:
        await list_units(infra, prefix, units(0, 10))

        async def all_folded() -> bool:
            return model.units == set(units(0, 10))

        await eventually(all_folded)
        assert refusals == []  # it was refused once, and went on
    finally:
        await follower.stop()


async def test_a_snapshot_larger_than_a_chunk_round_trips_and_a_damaged_one_is_refused(
    snapshots: Snapshots,
) -> None:
    state = bytes(range(256)) * (CHUNK // 256) + b"tail"  # compresses, so several saves stay cheap
    incompressible = __import__("os").urandom(CHUNK + 1_000)
    await snapshots.save("v", state, {"t:0": 5})
    size = await snapshots.save("v", incompressible, {"t:0": 7, "t:1": 2})
    assert size > CHUNK  # two chunks

    loaded = await snapshots.load("v")
    assert loaded is not None
    assert (loaded.state, loaded.offsets) == (incompressible, {"t:0": 7, "t:1": 2})
    assert await snapshots.load("other") is None

    collection = snapshots._collection
    head = await collection.find_one({"_id": "v:head"})
    assert head is not None
    await collection.update_one({"_id": head["chunks"][1]}, {"$set": {"data": b"x"}})
    with pytest.raises(CorruptSnapshot):
        await snapshots.load("v")


async def test_older_snapshots_are_deleted_but_the_previous_one_is_kept(snapshots: Snapshots) -> None:
    collection = snapshots._collection
    await snapshots.save("v", b"first", {})
    first = (await collection.find_one({"_id": "v:head"}) or {})["chunks"]
    await snapshots.save("v", b"second", {})
    assert await collection.find_one({"_id": first[0]}) is not None  # a replica may still be reading it
    await snapshots.save("v", b"third", {})
    assert await collection.find_one({"_id": first[0]}) is None


async def test_a_view_starts_from_its_snapshot_and_folds_only_the_tail(
    infra: Infra, snapshots: Snapshots
) -> None:
    prefix = f"t{run_id()}"
    make = follower_factory(infra.kafka_bootstrap_servers, [UnitListed], prefix)
    off = Checkpoints(enabled=False)
    await list_units(infra, prefix, units(0, 20))
    first = ReplicatedView("units", UnitIds(), make, snapshots, off)
    await first.start()
    await first.follower.wait_ready()
    await first.checkpoint()
    await first.stop()

    await list_units(infra, prefix, units(20, 25))
    second_model = UnitIds()
    second = ReplicatedView("units", second_model, make, snapshots, off)
    await second.start()
    try:
        await second.follower.wait_ready()
        assert second.start_up.from_snapshot
        assert second_model.units == set(units(0, 25))
        assert second_model.handed == 5  # only what came after the snapshot
    finally:
        await second.stop()


async def test_a_view_whose_snapshot_is_damaged_rebuilds_from_the_log(
    infra: Infra, snapshots: Snapshots
) -> None:
    prefix = f"t{run_id()}"
    make = follower_factory(infra.kafka_bootstrap_servers, [UnitListed], prefix)
    await list_units(infra, prefix, units(0, 10))
    await snapshots.save("units", b"[]", {f"{UnitListed.topic(prefix)}:0": 99})
    await snapshots._collection.delete_one(
        {"_id": (await snapshots._collection.find_one({"_id": "units:head"}) or {})["chunks"][0]}
    )
    model = UnitIds()
    view = ReplicatedView("units", model, make, snapshots, Checkpoints(enabled=False))
    await view.start()
    try:
        await view.follower.wait_ready()
        assert not view.start_up.from_snapshot
        assert model.units == set(units(0, 10))
    finally:
        await view.stop()


class ProbeSettings(ServiceSettings):
    SERVICE_NAME: ClassVar[str] = "viewprobe"
    model_config = settings_for("VIEWPROBE_")


async def test_each_replica_of_a_service_holds_the_whole_view_and_is_ready_once_caught_up(
    infra: Infra,
) -> None:
    settings = isolated_settings(ProbeSettings, infra, run_id())
    await list_units(infra, settings.topic_prefix, units(0, 12))
    models = [UnitIds(), UnitIds()]
    runtimes = [ServiceRuntime(settings) for _ in models]
    for runtime, model in zip(runtimes, models, strict=True):
        runtime.replicated_view("units", model, [UnitListed])
    async with serving(runtimes[0].create_app("a", [])) as a, serving(runtimes[1].create_app("b", [])) as b:
        for replica in (a, b):

            async def ready(client: httpx.AsyncClient = replica) -> bool:
                return (await client.get("/health/ready")).status_code == 200

            await eventually(ready)
        assert [m.units for m in models] == [set(units(0, 12))] * 2
        await list_units(infra, settings.topic_prefix, units(12, 20))

        async def both_have_all() -> bool:
            return all(m.units == set(units(0, 20)) for m in models)

        await eventually(both_have_all)
    assert UnitListed.topic(settings.topic_prefix) in runtimes[0].topics.follows


async def test_views_that_dead_letter_publish_a_malformed_record_once_and_the_group_passes_over_it(
    infra: Infra,
) -> None:
    """Two replicas' followers validate for the service: the malformed record is dead-lettered once, in the
    group's name; the group reading the same topic hands its handler only the valid records."""
    settings = isolated_settings(ProbeSettings, infra, run_id())
    topic = UnitListed.topic(settings.topic_prefix)
    await ensure_topics(infra.kafka_bootstrap_servers, [topic], partitions=1, replication=1)
    records = [
        (unit_listed("u1").model_dump_json().encode(), envelope(UnitListed, event_id="good-1")),
        (b'{"unit_id": "u2"}', envelope(UnitListed, event_id="bad")),
        (unit_listed("u3").model_dump_json().encode(), envelope(UnitListed, event_id="good-2")),
    ]
    await produce(infra.kafka_bootstrap_servers, topic, records, key=b"k")
    models, handled = [UnitIds(), UnitIds()], []
    runtimes = [ServiceRuntime(settings) for _ in models]

    async def handler(deliveries: Sequence[Delivery]) -> None:
        handled.extend(d.meta.id for d in deliveries)

    for runtime, model in zip(runtimes, models, strict=True):
        runtime.replicated_view("units", model, [UnitListed], dead_letters=True)
        runtime.subscribe([UnitListed], handler, view_dead_letters=True)
    async with serving(runtimes[0].create_app("a", [])), serving(runtimes[1].create_app("b", [])):

        async def all_read() -> bool:
            return all(m.units == {"u1", "u3"} for m in models) and sorted(handled) == ["good-1", "good-2"]

        await eventually(all_read)
        dead = await read_all(
            infra.kafka_bootstrap_servers, settings.dead_letter_topic, at_least=1, quiet_s=3.0
        )
    assert [dict(r.headers)["ce_id"] for r in dead] == [b"bad"]
    headers = {k: v.decode() for k, v in dead[0].headers}
    assert "area_m2: Field required" in headers["dlq-reason"]
    assert (headers["dlq-consumer-group"], headers["dlq-original-offset"]) == (settings.consumer_group, "1")


class Totals:
    """A view of every tally's total, folded from VisitorsCounted."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}

    def fold(self, deliveries: Sequence[Delivery]) -> None:
        for d in deliveries:
            assert isinstance(d.event, VisitorsCounted)
            self.totals[d.event.park_id] = d.event.total

    def dump(self) -> bytes:
        return json.dumps(self.totals).encode()

    def restore(self, state: bytes) -> None:
        self.totals = json.loads(state)


def writer(settings: ProbeSettings) -> FastAPI:
    runtime = ServiceRuntime(settings)
    runtime.document_publications([VisitorsCounted])
    store = AggregateStore(runtime.aggregates("tallies"), TallyCodec(), runtime.outbound, kind="tally")
    router = APIRouter()

    @router.post("/tallies/{park_id}/{visitors}")
    async def count(park_id: str, visitors: int) -> int:
        return await store.change(park_id, lambda t: t.count(visitors), create=lambda: Tally(park_id))

    return runtime.create_app("writer", [router])


def reader(settings: ProbeSettings) -> tuple[FastAPI, ReplicatedView]:
    runtime = ServiceRuntime(settings)
    view = runtime.replicated_view("totals", Totals(), [VisitorsCounted])
    router = APIRouter(dependencies=[Depends(fresh_read(view, wait_seconds=0.5))])

    @router.get("/tallies/{park_id}")
    async def total(park_id: str) -> int:
        assert isinstance(view.model, Totals)
        return view.model.totals.get(park_id, 0)

    return runtime.create_app("reader", [router]), view


async def test_a_read_sent_the_writes_token_reflects_the_write_on_another_replica(infra: Infra) -> None:
    settings = isolated_settings(ProbeSettings, infra, run_id())
    reader_app, view = reader(settings)
    async with serving(writer(settings)) as w, serving(reader_app) as r:
        await w.post("/tallies/p1/2")
        wrote = await w.post("/tallies/p1/3")
        token = wrote.headers["Parkops-Consistency-Token"]
        assert token.endswith("tally/p1 2")

        read = await r.get("/tallies/p1", headers={"Parkops-Consistency-Token": token})
        assert (read.status_code, read.json()) == (200, 5)  # waited for the replica to fold it

        ahead = token.replace("tally/p1 2", "tally/p1 9")  # a write this replica never sees
        late = await r.get("/tallies/p1", headers={"Parkops-Consistency-Token": ahead})
        assert (late.status_code, late.headers["Retry-After"]) == (503, "1")
        bad = await r.get("/tallies/p1", headers={"Parkops-Consistency-Token": "nonsense"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "Parkops-Consistency-Token"
        await view.checkpoint()

    restarted_app, restarted = reader(settings)  # from the snapshot: it still knows what it folded
    async with serving(restarted_app) as r2:
        read = await r2.get("/tallies/p1", headers={"Parkops-Consistency-Token": token})
        assert (read.status_code, read.json()) == (200, 5)
        assert restarted.start_up.from_snapshot


class PickyUnitIds(UnitIds):
    """A model that no longer reads the snapshot's format."""

    def restore(self, state: bytes) -> None:
        raise CorruptSnapshot("an older format")


async def test_a_view_whose_model_cannot_read_the_snapshot_rebuilds_from_the_log(
    infra: Infra, snapshots: Snapshots
) -> None:
    prefix = f"t{run_id()}"
    make = follower_factory(infra.kafka_bootstrap_servers, [UnitListed], prefix)
    await list_units(infra, prefix, units(0, 6))
    await snapshots.save("units", b"\0" * 8 + b"[]", {f"{UnitListed.topic(prefix)}:0": 99})
    model = PickyUnitIds()
    view = ReplicatedView("units", model, make, snapshots, Checkpoints(enabled=False))
    await view.start()
    try:
        await view.follower.wait_ready()
        assert not view.start_up.from_snapshot
        assert model.units == set(units(0, 6))
    finally:
        await view.stop()


def test_a_follower_is_made_outside_an_event_loop() -> None:
    """A service's app is built by a synchronous factory (uvicorn --factory, the contract exports); the
    follower connects when started (the tests above)."""
    follower = Follower("127.0.0.1:1", [UnitListed], UnitIds().fold, topic_prefix="t")
    assert not follower.ready
