"""A kind of aggregate spread over several collections, each document's home chosen by its id.

FerretDB 1.x scans a whole collection for every lookup, and a filter other than `_id` alone (such as
the outbox's `{_id, _version}`) decodes every document: a write costs time in proportion to the
collection's size. Spreading a million aggregates over a few hundred collections keeps each write's
scan small; on MongoDB, where indexes work, one shard is as good as many. One shard keeps the plain
collection name. `Shards` is itself an `aggregates.Aggregates`: each call goes to the document's shard."""

import hashlib
from collections.abc import Callable, Sequence

from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.outbox import AggregateCollection


def shard_of(doc_id: str, count: int) -> int:
    """Stable across processes and restarts (unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=4).digest(), "big") % count


def shard_name(name: str, index: int, count: int) -> str:
    return name if count == 1 else f"{name}_{index:04d}"


class Shards:
    def __init__(self, open_collection: Callable[[str], AggregateCollection], name: str, count: int) -> None:
        if count < 1:
            raise ValueError("at least one shard")
        self._collections = [open_collection(shard_name(name, i, count)) for i in range(count)]

    def of(self, doc_id: str) -> AggregateCollection:
        return self._collections[shard_of(doc_id, len(self._collections))]

    def all(self) -> list[AggregateCollection]:
        return list(self._collections)

    async def get(self, doc_id: str) -> Document | None:
        return await self.of(doc_id).get(doc_id)

    async def get_many(self, doc_ids: Sequence[str]) -> list[Document]:
        """The documents of those of `doc_ids` that exist, one read per shard they live in."""
        by_shard: dict[int, list[str]] = {}
        for doc_id in doc_ids:
            by_shard.setdefault(shard_of(doc_id, len(self._collections)), []).append(doc_id)
        found: list[Document] = []
        for index, ids in by_shard.items():
            found += await self._collections[index].get_many(ids)
        return found

    async def version(self, doc_id: str) -> int:
        return await self.of(doc_id).version(doc_id)

    async def insert(self, doc_id: str, fields: Document, events: Sequence[OutboundEvent]) -> None:
        await self.of(doc_id).insert(doc_id, fields, events)

    async def update(
        self, doc_id: str, expected_version: int, fields: Document, events: Sequence[OutboundEvent]
    ) -> None:
        await self.of(doc_id).update(doc_id, expected_version, fields, events)
