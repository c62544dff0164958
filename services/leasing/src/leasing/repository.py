"""Parks are stored one document each, written through the runtime's AggregateStore (one change at a
time per park, the retry of a change that lost a race, the outbox commit, the Idempotency-Key rule).

A park is stored as a few plain fields to filter on and its whole state packed in one field
(`parkops_runtime.packed`); documents written before that layout (the whole park as plain fields) are
still read, and so are those of the earlier idempotency scheme: their `request_keys` are dropped on
read (keys now live in the store's own field, 24 hours). Parks can be spread over several collections
(`parkops_runtime.shards`), since a lookup's cost on FerretDB grows with its collection."""

import zlib
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from parkops_contracts.base import Event
from parkops_runtime.aggregates import Aggregates, AggregateStore
from parkops_runtime.clock import Clock
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document, state_of
from parkops_runtime.packed import STATE, pack, unpack
from parkops_runtime.shards import Shards

from leasing.domain.lease_file import LeaseFile
from leasing.domain.park import Park
from leasing.domain.tenancy import CreditCodeClaim
from leasing.domain.unit_book import UnitBook

ParkStore = AggregateStore[Park]
ClaimStore = AggregateStore[CreditCodeClaim]
BookStore = AggregateStore[UnitBook]
FileStore = AggregateStore[LeaseFile]
CLAIMS = "credit_code_claims"  # the collection of `CreditCodeClaim`s, one per group and credit code
BOOKS = "unit_books"  # `UnitBook`s, one per unit that was ever claimed or renovated: `<park>/<unit>`
LEASES = "leases"  # `LeaseFile`s, one per lease: `<park>/<lease>`
Part = TypeVar("Part", UnitBook, LeaseFile)
REMEMBER = 200_000  # unit books or leases a replica keeps in memory (a few hundred bytes each)


class ParkCodec:
    def encode(self, park: Park) -> Document:
        return {"group_id": park.group_id, "name": park.name, STATE: pack(park, exclude=set())}

    def decode(self, document: Document) -> Park:
        return unpack(Park, document, "park_id")

    def take_events(self, park: Park) -> Sequence[Event]:
        return park.take_events()


class PartCodec(Generic[Part]):
    """A park's part kept apart from it (a unit's book, a lease's file): packed whole beside its park id."""

    def __init__(self, model: type[Part]) -> None:
        self._model: type[Part] = model

    def encode(self, part: Part) -> Document:
        return {"park_id": part.park_id, STATE: pack(part, exclude=set())}

    def decode(self, document: Document) -> Part:
        return self._model.model_validate_json(zlib.decompress(document[STATE]))

    def take_events(self, part: Part) -> Sequence[Event]:
        return part.take_events()


def book_store(
    aggregates: Aggregates, outbound: Callable[[Event], OutboundEvent], clock: Clock, fresh_for: float
) -> BookStore:
    return AggregateStore(
        aggregates,
        PartCodec(UnitBook),
        outbound,
        kind="unit book",
        clock=clock,
        fresh_for=fresh_for,
        remember=REMEMBER,
    )


def file_store(
    aggregates: Aggregates, outbound: Callable[[Event], OutboundEvent], clock: Clock, fresh_for: float
) -> FileStore:
    return AggregateStore(
        aggregates,
        PartCodec(LeaseFile),
        outbound,
        kind="lease",
        clock=clock,
        fresh_for=fresh_for,
        remember=REMEMBER,
    )


class ParkRepository:
    """The parks' store, and the one read that is not by id: a group's parks."""

    def __init__(
        self, shards: Shards, outbound: Callable[[Event], OutboundEvent], clock: Clock, fresh_for: float
    ) -> None:
        self._shards = shards
        self.store: ParkStore = AggregateStore(
            shards, ParkCodec(), outbound, kind="park", clock=clock, fresh_for=fresh_for
        )

    async def of_group(self, group_id: str) -> list[Park]:
        codec = ParkCodec()
        found = []
        for shard in self._shards.all():
            found += [codec.decode(doc) async for doc in shard.collection.find({"group_id": group_id})]
        return sorted(found, key=lambda park: park.park_id)


class ClaimCodec:
    def encode(self, claim: CreditCodeClaim) -> Document:
        return claim.model_dump(mode="json", exclude={"claim_id"})

    def decode(self, document: Document) -> CreditCodeClaim:
        return CreditCodeClaim.model_validate(state_of(document) | {"claim_id": document["_id"]})

    def take_events(self, claim: CreditCodeClaim) -> Sequence[Event]:
        return claim.take_events()


def claim_store(
    aggregates: Aggregates, outbound: Callable[[Event], OutboundEvent], clock: Clock
) -> ClaimStore:
    """The credit-code claims (`leasing.domain.tenancy.CreditCodeClaim`), one small document each."""
    return AggregateStore(aggregates, ClaimCodec(), outbound, kind="credit code claim", clock=clock)
