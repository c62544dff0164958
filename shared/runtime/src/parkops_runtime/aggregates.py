"""The one write path of every service: load an aggregate, change it, save state and events as one commit.

`AggregateStore.change(id, fn)` owns everything around the domain's `fn`:
- one change of an aggregate at a time in this process (writers queue on a per-aggregate lock), while
  other replicas race for the next version through the outbox commit (`parkops_runtime.outbox`);
- the retry: a writer that lost the version reloads and applies `fn` again, after a jittered, growing
  pause, and gives up with 409 after `attempts`;
- the outbox commit: the new state and the events `fn` recorded are written together, or not at all;
- the idempotency rule: a change sent with an `Idempotency` key stores the key, a digest of the request
  and the answer in the same commit; the same key and request again answers that first answer without a
  second effect, the same key with another request is 409, and a key is forgotten `keep_keys` after use;
- a memory of the aggregates this process read or wrote: a read is answered from it when the stored
  version is still the remembered one (one small `_id` read instead of loading and decoding the whole
  aggregate), or without asking within `fresh_for` seconds of the last look (then it may lag another
  replica's write by that long, never this replica's own; 0, the default, always asks); a write starts
  from it and, when `fn` refuses the remembered state, confirms on the stored one before refusing.

A service supplies a `Codec` (state <-> document, and the events a change recorded); its repository is
that codec. Nothing here knows which MongoDB-wire server runs underneath."""

import asyncio
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from time import monotonic
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, Union, runtime_checkable

from parkops_contracts.base import Event
from parkops_kernel.digest import Terms, digest
from parkops_kernel.errors import Conflict, DomainError, NotFound
from pydantic import BaseModel, TypeAdapter

from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.consistency import Token, record_write, stamped
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document, state_of
from parkops_runtime.outbox import SEEN_FOR, VERSION, KeyedLock, utc

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Asked = Union[Terms, BaseModel, "DataclassInstance"]
"""What a request asked: its terms, its body model or the command it became (one digest for each)."""
A = TypeVar("A")
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
ABSENT_KEPT = 1024  # ids recently found absent, kept so a create right after need not ask again
FEW = 16  # `get_many` of at most this many ids reads each by id (each from memory while it is current)
KEYS = "_keys"  # the aggregate's document field holding its idempotency keys (a list: keys are values)
_KEYED = uuid.UUID("0b5e2f7c-3c1d-4f7e-9a55-6d1c2e8f4a10")


class Codec(Protocol[A]):
    """What the store needs to know of one kind of aggregate."""

    def encode(self, aggregate: A) -> Document:
        """The state to store (no `_id`, `_version` or keys: the store adds those)."""
        ...

    def decode(self, document: Document) -> A: ...

    def take_events(self, aggregate: A) -> Sequence[Event]:
        """The events recorded since the aggregate was loaded, handed over once (then forgotten)."""
        ...


class PlainCodec(Generic[M]):
    """An aggregate that records no events (a job, a park's SLA): a small document in the clear."""

    def __init__(self, model: type[M]) -> None:
        self._model = model

    def encode(self, aggregate: M) -> Document:
        return aggregate.model_dump(mode="json")

    def decode(self, document: Document) -> M:
        return self._model.model_validate(state_of(document))

    def take_events(self, aggregate: M) -> Sequence[Event]:
        return ()


class Aggregates(Protocol):
    """Versioned documents with an outbox: `AggregateCollection`, or the in-memory one of the tests."""

    async def get(self, doc_id: str) -> Document | None: ...
    async def version(self, doc_id: str) -> int: ...
    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None: ...
    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None: ...


@runtime_checkable
class Many(Protocol):
    """`Aggregates` that read many documents by id in one go (`AggregateCollection`, `Shards`)."""

    async def get_many(self, doc_ids: Sequence[str]) -> list[Document]: ...


@dataclass(frozen=True)
class Idempotency(Generic[R]):
    """A request's `Idempotency-Key`, what the request asked (`digest`) and how its answer is kept."""

    key: str
    digest: str
    answer: TypeAdapter[R]


def request_digest(operation: str, terms: "Asked") -> str:
    """Equal for equal requests however they were spelt (100 and 100.00, a date or its ISO text)."""
    return digest({"operation": operation, "terms": terms})


def keyed_id(key: str, *scope: str) -> str:
    """The id of what a keyed create makes: a retry names the same aggregate (its unique insert decides
    between concurrent duplicates), and the scope (group, park, caller) keeps callers' keys apart."""
    return uuid.uuid5(_KEYED, "\n".join([*scope, key])).hex


@dataclass
class _Known(Generic[A]):
    version: int
    aggregate: A
    fields: Document  # what was stored: a change that leaves it equal and records nothing is not written
    keys: list[Document]
    read_at: float


class AggregateStore(Generic[A]):
    def __init__(
        self,
        aggregates: Aggregates,
        codec: Codec[A],
        outbound: Callable[[Event], OutboundEvent],
        *,
        kind: str,
        clock: Clock = utc_now,
        fresh_for: float = 0.0,
        keep_keys: timedelta = timedelta(hours=24),
        attempts: int = 20,
        remember: int | None = None,
    ) -> None:
        """`remember`: at most this many aggregates kept in memory, the one stored or loaded longest ago
        forgotten first (None: all; a kind with millions of aggregates, such as tickets, bounds it)."""
        self._aggregates, self._codec, self._outbound = aggregates, codec, outbound
        self.kind, self._clock, self._fresh_for = kind, clock, fresh_for
        self._keep_keys, self._attempts, self._remember_at_most = keep_keys, attempts, remember
        self._known: dict[str, _Known[A]] = {}
        self._absent: dict[str, float] = {}  # aggregate id -> when a load found none (monotonic)
        self._writing = KeyedLock()

    async def get(self, aggregate_id: str, *, current: bool = False) -> A | None:
        """The aggregate (from memory while it is the stored version). Never mutate what this returns, and
        use it before the caller's next `await`: a change of this process may take it then. `current`:
        the stored version is asked for even within `fresh_for` (to confirm a refusal made on memory)."""
        known = await self._load(aggregate_id, fresh=False, ask=current)
        return known.aggregate if known else None

    async def get_many(self, aggregate_ids: Sequence[str]) -> dict[str, A]:
        """Those of the aggregates that exist, read in one go (`Many`): for a read over many small
        aggregates. Each is decoded unless the memory holds its stored version; the same caveats as `get`."""
        found: dict[str, A] = {}
        if not isinstance(self._aggregates, Many) or len(aggregate_ids) <= FEW:
            # by id, at once: on FerretDB only an `_id` equality is indexed (`$in` scans the collection)
            for aggregate_id, one in zip(
                aggregate_ids, await asyncio.gather(*(self.get(i) for i in aggregate_ids)), strict=True
            ):
                if one is not None:
                    found[aggregate_id] = one
            return found
        for doc in await self._aggregates.get_many(aggregate_ids):
            doc_id, version = str(doc["_id"]), int(doc[VERSION])
            known = self._known.get(doc_id)
            if known is None or known.version != version:
                aggregate = self._codec.decode(doc)
                known = _Known(
                    version, aggregate, self._codec.encode(aggregate), list(doc.get(KEYS, [])), 0.0
                )
                if doc_id not in self._known:
                    self._remember(doc_id, known)
            found[doc_id] = known.aggregate
        return found

    async def version(self, aggregate_id: str) -> int:
        """How many changes the aggregate has had (0: none yet)."""
        return await self._aggregates.version(aggregate_id)

    async def require(self, aggregate_id: str) -> A:
        found = await self.get(aggregate_id)
        if found is None:
            raise NotFound(f"{self.kind} {aggregate_id} does not exist")
        return found

    async def change(
        self,
        aggregate_id: str,
        fn: Callable[[A], R],
        *,
        create: Callable[[], A] | None = None,
        idempotency: Idempotency[R] | None = None,
    ) -> R:
        """Apply `fn` to the aggregate (to `create()` when there is none yet, else 404) and store the
        result with the events it recorded; see the module's docstring for races, retries and keys."""
        async with self._writing.hold(aggregate_id):
            for attempt in range(self._attempts):
                if attempt > 1:  # spread out racing replicas
                    await asyncio.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
                remembered = self._known.get(aggregate_id)
                # What this process read or wrote a moment ago is not asked again: the write's claim
                # of the next version finds out whether it is still the stored one (outbox.SEEN_FOR).
                recent = attempt == 0 and self._recent(aggregate_id)
                known = remembered if recent else await self._load(aggregate_id, fresh=attempt > 0)
                # `fn` mutates what it is given: remembered again only once stored.
                self._known.pop(aggregate_id, None)
                if idempotency is not None and (first := self._replay(known, idempotency)) is not None:
                    return first[0]  # a key in memory was stored: its first answer stands
                try:
                    result, written = await self._apply(aggregate_id, known, fn, create, idempotency)
                except ConcurrencyConflict:  # (a DomainError too: caught first) another write won
                    continue
                except DomainError:
                    if known is not None and known is remembered:  # refused a memory: confirm on the store
                        continue
                    if recent:  # refused a recent absence: confirm too
                        continue
                    raise
                # Nothing written, so nothing claimed: a no-op stands only on the stored version.
                if (
                    recent
                    and known is not None
                    and written.version == known.version
                    and await self._aggregates.version(aggregate_id) != known.version
                ):
                    continue
                self._remember(aggregate_id, written)
                return result
        raise Conflict(f"{self.kind} {aggregate_id} is changing too fast; try again")

    async def _apply(
        self,
        aggregate_id: str,
        known: _Known[A] | None,
        fn: Callable[[A], R],
        create: Callable[[], A] | None,
        idempotency: Idempotency[R] | None,
    ) -> tuple[R, _Known[A]]:
        if known is not None:
            aggregate, version, kept = known.aggregate, known.version, known.keys
        elif create is not None:
            aggregate, version, kept = create(), 0, []
        else:
            raise NotFound(f"{self.kind} {aggregate_id} does not exist")
        result = fn(aggregate)
        events, written = self._stamped(aggregate_id, version + 1, self._codec.take_events(aggregate))
        fields = self._codec.encode(aggregate)
        now = self._clock()
        keys = [k for k in kept if utc(k["at"]) > now - self._keep_keys]
        if idempotency is not None:
            answer = idempotency.answer.dump_python(result, mode="json")
            keys.append({"key": idempotency.key, "digest": idempotency.digest, "answer": answer, "at": now})
        if known is not None and not events and fields == known.fields and keys == known.keys:
            return result, _Known(version, aggregate, fields, keys, monotonic())  # nothing to write
        if known is None:
            await self._aggregates.insert(aggregate_id, {**fields, KEYS: keys}, events)
        else:
            await self._aggregates.update(aggregate_id, version, {**fields, KEYS: keys}, events)
        if written is not None:
            record_write(written)
        return result, _Known(version + 1, aggregate, fields, keys, monotonic())

    def _stamped(
        self, aggregate_id: str, version: int, recorded: Sequence[Event]
    ) -> tuple[list[OutboundEvent], Token | None]:
        """The change's events, each naming the aggregate and the version it made (a reader's token)."""
        outbound = [self._outbound(e) for e in recorded]
        if not outbound:
            return [], None
        written = Token(outbound[0].headers.get("ce_source", ""), f"{self.kind}/{aggregate_id}", version)
        return [stamped(e, written) for e in outbound], written

    async def answered(self, aggregate_id: str, idempotency: Idempotency[R] | None) -> R | None:
        """The first answer the aggregate keeps for this key (409 when the key asked something else);
        None when there is no key, no aggregate or the key is new here. Writes nothing: for a command
        that must know before it touches other aggregates."""
        if idempotency is None:
            return None
        first = self._replay(await self._load(aggregate_id, fresh=False), idempotency)
        return first[0] if first else None

    def _replay(self, known: _Known[A] | None, idempotency: Idempotency[R]) -> tuple[R] | None:
        """The first answer to this key, when this is its retry; 409 when the key asked something else."""
        used = next((k for k in (known.keys if known else []) if k["key"] == idempotency.key), None)
        if used is None or utc(used["at"]) <= self._clock() - self._keep_keys:
            return None
        if used["digest"] != idempotency.digest:
            raise Conflict(f"idempotency key {idempotency.key} was used for another request")
        return (idempotency.answer.validate_python(used["answer"]),)

    def _recent(self, aggregate_id: str) -> bool:
        """Whether this process saw the aggregate's version (or its absence) within `SEEN_FOR`."""
        known = self._known.get(aggregate_id)
        seen = known.read_at if known is not None else self._absent.get(aggregate_id)
        return seen is not None and monotonic() - seen < SEEN_FOR

    async def _load(self, aggregate_id: str, fresh: bool, ask: bool = False) -> _Known[A] | None:
        """`fresh`: read and decode the stored aggregate; `ask`: ask its version even within `fresh_for`."""
        known = self._known.get(aggregate_id)
        if known is not None and not fresh:
            if monotonic() - known.read_at < self._fresh_for and not ask:
                return known
            stored = await self._aggregates.version(aggregate_id)
            # A change may have taken the remembered aggregate meanwhile and be changing it in place:
            # only while it is still the remembered one is it the stored version, never uncommitted.
            if stored == known.version and self._known.get(aggregate_id) is known:
                known.read_at = monotonic()
                return known
        asked = monotonic()
        doc = await self._aggregates.get(aggregate_id)
        if doc is None:
            self._known.pop(aggregate_id, None)
            self._absent.pop(aggregate_id, None)
            self._absent[aggregate_id] = asked
            if len(self._absent) > ABSENT_KEPT:
                del self._absent[next(iter(self._absent))]
            return None
        aggregate = self._codec.decode(doc)
        # Encoded again, not taken from the document: the store gives some values back in other types
        # (naive datetimes), and an unchanged aggregate must compare equal to what it was loaded as.
        fields = self._codec.encode(aggregate)
        keys = list(doc.get(KEYS, []))
        known = _Known(int(doc[VERSION]), aggregate, fields, keys, monotonic())
        current = self._known.get(aggregate_id)
        if current is None or current.version <= known.version:  # never forget a newer write of ours
            self._remember(aggregate_id, known)
        return known

    def _remember(self, aggregate_id: str, known: _Known[A]) -> None:
        self._absent.pop(aggregate_id, None)
        self._known.pop(aggregate_id, None)  # the latest last, so the oldest is forgotten first
        self._known[aggregate_id] = known
        if self._remember_at_most is not None and len(self._known) > self._remember_at_most:
            del self._known[next(iter(self._known))]
