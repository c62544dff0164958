"""A map of ticket id -> a few dozen bytes, at about 10 bytes of overhead per ticket.

A dict with a key and a value object per ticket costs some 150 bytes per ticket beside the data, and a
park has hundreds of thousands of tickets over the years. Here tickets are spread over buckets by a
stable hash of their id (CRC-32: the table is saved in snapshots), each bucket one `bytes` of records

    u32 record length, u16 id field, the id, the value

where the id is the 16 bytes of a 32-hex-digit id (the tickets service's ids: `kpi.domain.event_ids`),
flagged by the id field's top bit, or the UTF-8 text of any other id, and the id field holds its length.
The buckets keep `PER_BUCKET` records on average (they double when the table fills), so a lookup reads a
few records and the table holds a handful of objects per hundred tickets."""

import struct
import sys
import zlib
from collections.abc import Iterator

from kpi.domain.event_ids import packed

HEAD = struct.Struct("<IH")
H = HEAD.size
PACKED = 0x8000
"""The id field's flag of an id kept as its 16 bytes (the rest of the field: the id's length)."""
PER_BUCKET = 8

Key = tuple[int, bytes]
"""(id field, id bytes) of a ticket id as a record keeps it."""


def _key(ticket_id: str) -> Key:
    raw = packed(ticket_id)
    if raw is not None:
        return PACKED | len(raw), raw
    text = ticket_id.encode()
    if len(text) >= PACKED:
        raise ValueError(f"a ticket id of {len(text)} bytes")
    return len(text), text


def _text(key: Key) -> str:
    field, raw = key
    return raw.hex() if field & PACKED else raw.decode()


def _records(blob: bytes) -> Iterator[tuple[int, int, Key]]:
    """(start, end, key) of each record of a bucket."""
    at = 0
    while at < len(blob):
        size, field = HEAD.unpack_from(blob, at)
        yield at, at + size, (field, blob[at + H : at + H + (field & ~PACKED)])
        at += size


class TicketTable:
    __slots__ = ("_bits", "_buckets", "_count")

    def __init__(self) -> None:
        self._buckets: dict[int, bytes] = {}
        self._bits = 4
        self._count = 0

    def _bucket(self, key: Key) -> int:
        return zlib.crc32(key[1]) >> (32 - self._bits)

    def get(self, ticket_id: str) -> bytes | None:
        key = _key(ticket_id)
        blob = self._buckets.get(self._bucket(key))
        if blob is None:
            return None
        for start, end, found in _records(blob):
            if found == key:
                return blob[start + H + len(key[1]) : end]
        return None

    def put(self, ticket_id: str, value: bytes) -> None:
        key = _key(ticket_id)
        field, raw = key
        record = HEAD.pack(H + len(raw) + len(value), field) + raw + value
        bucket = self._bucket(key)
        blob = self._buckets.get(bucket, b"")
        for start, end, found in _records(blob):
            if found == key:
                self._buckets[bucket] = blob[:start] + blob[end:] + record
                return
        self._buckets[bucket] = blob + record
        self._count += 1
        if self._count > PER_BUCKET << self._bits:
            self._grow()

    def _grow(self) -> None:
        """Double the buckets one bucket at a time: bucket b's records go to 2b or 2b + 1 (one more bit of
        the same hash), so only one bucket's records are ever copied at once, never the whole table."""
        self._bits += 1
        old, self._buckets = self._buckets, {}
        while old:
            bucket, blob = old.popitem()
            halves: tuple[list[bytes], list[bytes]] = ([], [])
            for start, end, key in _records(blob):
                halves[self._bucket(key) & 1].append(blob[start:end])
            del blob
            for half, parts in enumerate(halves):
                if parts:
                    self._buckets[2 * bucket + half] = b"".join(parts)

    def values(self) -> Iterator[bytes]:
        for blob in self._buckets.values():
            for start, end, (_, raw) in _records(blob):
                yield blob[start + H + len(raw) : end]

    def items(self) -> dict[str, bytes]:
        return {
            _text(key): blob[start + H + len(key[1]) : end]
            for blob in self._buckets.values()
            for start, end, key in _records(blob)
        }

    def __len__(self) -> int:
        return self._count

    def size(self) -> int:
        """Bytes the table holds (its buckets and their index)."""
        return sys.getsizeof(self._buckets) + sum(sys.getsizeof(blob) for blob in self._buckets.values())

    def __eq__(self, other: object) -> bool:
        """The same tickets and values, whatever order they were put in."""
        return isinstance(other, TicketTable) and self.items() == other.items()

    def __getstate__(self) -> tuple[int, int, dict[int, bytes]]:
        return self._bits, self._count, self._buckets

    def __setstate__(self, state: tuple[int, int, dict[int, bytes]]) -> None:
        self._bits, self._count, self._buckets = state
