"""Checkpoints of in-memory read models, with the offsets they reflect: a replica starts from the latest
snapshot plus the tail of the log, not from all history.

A snapshot is the read model's bytes (compressed) cut into chunks of at most `CHUNK` bytes (a document
is at most 16 MiB), each its own document, and a head document naming the chunks, their checksum and the
offsets. Chunks are written first and the head last, so a reader never sees a head whose chunks are not
all there; the chunks of the snapshot before the current one are kept (a replica may be reading them)
and older ones deleted. Every read and write is by `_id` (the one index FerretDB has). Any replica may
save; the last head written wins, and every head is a whole, consistent snapshot."""

import hashlib
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection

from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.mongo import Document

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    state: bytes
    offsets: dict[str, int]
    saved_at: datetime


class CorruptSnapshot(RuntimeError):
    """A head whose chunks are missing or do not match its checksum (the caller rebuilds instead)."""


class Snapshots:
    def __init__(self, collection: AsyncCollection[Document], clock: Clock = utc_now) -> None:
        self._collection, self._clock = collection, clock

    async def save(self, name: str, state: bytes, offsets: dict[str, int]) -> int:
        """Store a snapshot of `name`; returns its compressed size in bytes."""
        packed = zlib.compress(state, level=1)  # speed over size: it runs beside the service's work
        generation = uuid.uuid4().hex
        chunks = [packed[i : i + CHUNK] for i in range(0, len(packed), CHUNK)] or [b""]
        ids = [f"{name}:{generation}:{i}" for i in range(len(chunks))]
        for chunk_id, chunk in zip(ids, chunks, strict=True):
            await self._collection.insert_one({"_id": chunk_id, "data": chunk})
        previous = await self._collection.find_one({"_id": self._head(name)})
        head = {
            "chunks": ids,
            "sha256": hashlib.sha256(packed).hexdigest(),
            "offsets": [{"partition": k, "offset": v} for k, v in sorted(offsets.items())],
            "saved_at": self._clock(),
            "previous": previous["chunks"] if previous else [],
        }
        await self._collection.replace_one({"_id": self._head(name)}, head, upsert=True)
        for stale in previous["previous"] if previous else []:  # the one before the previous
            await self._collection.delete_one({"_id": stale})
        return len(packed)

    async def load(self, name: str) -> Snapshot | None:
        """The latest snapshot of `name`, or None when there is none yet."""
        head = await self._collection.find_one({"_id": self._head(name)})
        if head is None:
            return None
        parts = []
        for chunk_id in head["chunks"]:
            found = await self._collection.find_one({"_id": chunk_id})
            if found is None:
                raise CorruptSnapshot(f"snapshot {name}: chunk {chunk_id} is missing")
            parts.append(bytes(found["data"]))
        packed = b"".join(parts)
        if hashlib.sha256(packed).hexdigest() != head["sha256"]:
            raise CorruptSnapshot(f"snapshot {name}: checksum differs")
        offsets = {o["partition"]: int(o["offset"]) for o in head["offsets"]}
        return Snapshot(zlib.decompress(packed), offsets, head["saved_at"])

    @staticmethod
    def _head(name: str) -> str:
        return f"{name}:head"
