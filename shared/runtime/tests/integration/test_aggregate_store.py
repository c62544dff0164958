"""The one write path over the real store: two replicas racing on keyed requests: each counts once."""

import asyncio
import uuid
from collections.abc import Sequence

from parkops_runtime.aggregates import AggregateStore, Idempotency, request_digest
from parkops_runtime.events import OutboundEvent
from parkops_runtime.outbox import AggregateCollection, OutboxRelay
from parkops_runtime.owners import Owners
from pydantic import TypeAdapter
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.tally import Tally, TallyCodec, VisitorsCounted, outbound

Doc = dict[str, object]
TOTAL = TypeAdapter(int)


class Sent:
    def __init__(self) -> None:
        self.events: list[OutboundEvent] = []

    async def publish(self, events: Sequence[OutboundEvent]) -> None:
        self.events.extend(events)


def replica(collection: AsyncCollection[Doc], sent: Sent) -> tuple[AggregateStore[Tally], OutboxRelay]:
    """One process: its own owner, relay, locks and memory."""
    aggregates = AggregateCollection(collection)
    owners = Owners(collection.database["outbox.owners"], uuid.uuid4().hex, dead_after=10)
    relay = OutboxRelay(sent, owners, retry_seconds=1, full_sweep_seconds=60)
    relay.watch(aggregates)
    return AggregateStore(aggregates, TallyCodec(), outbound, kind="tally"), relay


async def test_keyed_changes_sent_twice_to_two_racing_replicas_each_count_once(
    things: AsyncCollection[Doc],
) -> None:
    sent = Sent()
    (one, relay_one), (two, relay_two) = replica(things, sent), replica(things, sent)
    await one.change("p1", lambda t: t.count(0), create=lambda: Tally("p1"))

    async def send(replica: AggregateStore[Tally], n: int) -> int:
        keyed = Idempotency(f"k{n}", request_digest("count", {"visitors": n}), TOTAL)
        return await replica.change("p1", lambda t: t.count(n), idempotency=keyed)

    requests = [send(r, n) for n in range(1, 31) for r in (one, two)]  # every request to both replicas
    answers = await asyncio.gather(*requests)
    await relay_one.flush()
    await relay_two.flush()

    assert answers[0::2] == answers[1::2], "a retry on the other replica answered differently"
    stored = await things.find_one({"_id": "p1"})
    assert stored is not None
    assert stored["total"] == sum(range(1, 31))
    counts = sorted(VisitorsCounted.model_validate_json(e.value).count for e in sent.events)
    assert counts == [0, *range(1, 31)], "each request counted once, each event published once"


class NotedTallyCodec(TallyCodec):
    """Writes `closed` only while the tally is closed: a field the encoding leaves out when unset."""

    def encode(self, tally: Tally) -> Doc:
        fields = {"park_id": tally.park_id, "total": tally.total}
        return fields | ({"closed": True} if tally.closed else {})

    def decode(self, document: Doc) -> Tally:
        return Tally(str(document["park_id"]), int(str(document["total"])), bool(document.get("closed")))


async def test_a_field_the_encoding_no_longer_writes_is_gone_from_the_stored_document(
    things: AsyncCollection[Doc],
) -> None:
    aggregates = AggregateCollection(things)
    owners = Owners(things.database["outbox.owners"], uuid.uuid4().hex, dead_after=10)
    OutboxRelay(Sent(), owners, retry_seconds=1, full_sweep_seconds=60).watch(aggregates)
    store = AggregateStore(aggregates, NotedTallyCodec(), outbound, kind="tally")

    def close(t: Tally) -> None:
        t.closed = True

    def reopen(t: Tally) -> None:
        t.closed = False

    await store.change("p1", close, create=lambda: Tally("p1"))
    await store.change("p1", reopen)
    stored = await things.find_one({"_id": "p1"})
    assert stored is not None
    assert "closed" not in stored  # else a reader decoding it would see the tally closed again
    fresh = AggregateStore(aggregates, NotedTallyCodec(), outbound, kind="tally")
    assert not (await fresh.require("p1")).closed
