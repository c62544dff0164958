"""An in-memory index of due times: which (ticket, target) pairs are due at a given instant.

FerretDB indexes nothing but `_id`, so asking the store for due tickets is a full scan per pass; each
instance keeps this heap instead, rebuilt from the store at start and refreshed now and then. It only
says what to *try*: the store decides who claims a breach, by the unique `_id` of the claim inserted
(see `tickets/breaches.py`)."""

import heapq
import json
from array import array
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from parkops_contracts.events.tickets import SlaTarget, TicketCategory, TicketPriority, TicketSlaBreached

from tickets.domain.record import TicketRecord


class DueEntry(NamedTuple):
    """Ordered by due time first."""

    due: datetime
    ticket_id: str
    target: str
    park_id: str
    group_id: str
    category: str  # a TicketCategory value
    priority: str  # a TicketPriority value


def _key(ticket_id: str, target: str) -> str:
    return f"{ticket_id}|{target}"


class DueIndex:
    """A heap of due times. An instance holds a few hundred thousand of them, in objects the garbage
    collector does not track: heap entries are plain tuples of strings and datetimes, and the current
    due time of each (ticket, target) is keyed by a string. A tuple key made the dict tracked again on
    every insert, so every collection walked all its entries: 40-90 ms pauses at 1M tickets."""

    def __init__(self) -> None:
        self._heap: list[Row] = []
        self._current: dict[str, datetime] = {}

    @classmethod
    def of(cls, entries: Iterable[DueEntry]) -> "DueIndex":
        """An index of these entries at once (one heapify instead of a push each)."""
        index = cls()
        index._heap = [(*e,) for e in entries]
        heapq.heapify(index._heap)
        index._current = {_key(e[1], e[2]): e[0] for e in index._heap}
        return index

    def __len__(self) -> int:
        return len(self._current)

    def put(self, entry: DueEntry) -> None:
        """Add or move a (ticket, target) due time; the older heap entry becomes stale."""
        key = _key(entry.ticket_id, entry.target)
        if self._current.get(key) == entry.due:
            return
        self._current[key] = entry.due
        heapq.heappush(self._heap, (*entry,))

    def drop(self, ticket_id: str, target: str) -> None:
        self._current.pop(_key(ticket_id, target), None)

    def replace_ticket(self, ticket_id: str, entries: list[DueEntry], targets: tuple[str, ...]) -> None:
        """Make the index say exactly `entries` for this ticket (after a write of its document)."""
        for target in targets:
            self.drop(ticket_id, target)
        for entry in entries:
            self.put(entry)

    def due(self, now: datetime, limit: int | None = None) -> list[DueEntry]:
        """Pop the entries due at `now` (earliest first). Popped entries leave the index: a failed
        claim means another instance or a user got there first."""
        found: list[DueEntry] = []
        while self._heap and self._heap[0][0] <= now and (limit is None or len(found) < limit):
            entry = DueEntry(*heapq.heappop(self._heap))
            key = _key(entry.ticket_id, entry.target)
            if self._current.get(key) == entry.due:
                del self._current[key]
                found.append(entry)
        return found

    def frozen(self) -> "Frozen":
        """A copy of the state, quick to take (no `await` in between keeps it consistent), to encode later
        (`dump_entries`, in a thread)."""
        return Frozen(list(self._heap), dict(self._current))

    def next_due(self) -> datetime | None:
        while self._heap and self._current.get(_key(self._heap[0][1], self._heap[0][2])) != self._heap[0][0]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None


AUTO_CLOSE = "auto_close"
TARGETS: tuple[str, ...] = (SlaTarget.RESPONSE.value, SlaTarget.RESOLUTION.value, AUTO_CLOSE)


def breach_of(entry: DueEntry, at: datetime) -> TicketSlaBreached:
    """The event a claimed breach publishes."""
    return TicketSlaBreached(
        ticket_id=entry.ticket_id,
        park_id=entry.park_id,
        group_id=entry.group_id,
        category=TicketCategory(entry.category),
        priority=TicketPriority(entry.priority),
        target=SlaTarget(entry.target),
        due_at=entry.due,
        detected_at=at,
    )


def entries_of(ticket: TicketRecord) -> list[DueEntry]:
    """What a ticket may still be due for: unclaimed SLA targets, and auto-close while unrated."""
    t = ticket

    def entry(due: datetime, target: str) -> DueEntry:
        return DueEntry(due, t.ticket_id, target, t.park_id, t.group_id, t.category.value, t.priority.value)

    entries = [entry(due, target.value) for target, due in t.pending.items() if target not in t.breaches]
    if t.auto_close_at is not None and t.rating is None:
        entries.append(entry(t.auto_close_at, AUTO_CLOSE))
    return entries


Row = tuple[datetime, str, str, str, str, str, str]  # a DueEntry as a plain tuple


class Frozen(NamedTuple):
    heap: list[Row]
    current: dict[str, datetime]

    def entries(self) -> list[Row]:
        """The current entries (stale heap entries left out)."""
        return [e for e in self.heap if self.current.get(_key(e[1], e[2])) == e[0]]


def dump_entries(entries: Sequence[Row], dirty: set[str]) -> bytes:
    """Entries and tickets still to re-read, in columns (a list per entry cost seconds at 400k entries):
    a JSON head (the distinct (target, park, group, category, priority) kinds, the tickets to re-read,
    the count), then due times in epoch microseconds (8 bytes each), each entry's kind (4 bytes each),
    and the ticket ids joined by newlines."""
    kinds: dict[tuple[str, ...], int] = {}
    micros = array("q", [round(e[0].timestamp() * 1_000_000) for e in entries])
    kind = array("I", [kinds.setdefault((e[2], *e[3:]), len(kinds)) for e in entries])
    head = json.dumps({"kinds": list(kinds), "dirty": sorted(dirty), "count": len(entries)}).encode()
    ids = "\n".join(e[1] for e in entries).encode()
    return len(head).to_bytes(8, "big") + head + micros.tobytes() + kind.tobytes() + ids


def load_entries(state: bytes) -> tuple[DueIndex, set[str]]:
    """The index and the tickets to re-read that `dump_entries` wrote (ValueError, KeyError if not)."""
    size = int.from_bytes(state[:8], "big")
    head = json.loads(state[8 : 8 + size])
    count, at = int(head["count"]), 8 + size
    micros, kind = array("q"), array("I")
    micros.frombytes(state[at : at + 8 * count])
    kind.frombytes(state[at + 8 * count : at + 12 * count])
    ids = state[at + 12 * count :].decode().split("\n") if count else []
    if not len(micros) == len(kind) == len(ids) == count:
        raise ValueError("a due-index checkpoint whose columns differ in length")
    kinds: list[tuple[str, str, str, str, str]] = [tuple(k) for k in head["kinds"]]
    stamp = datetime.fromtimestamp
    entries = (
        DueEntry(stamp(m / 1_000_000, UTC), t, *kinds[k]) for m, t, k in zip(micros, ids, kind, strict=True)
    )
    return DueIndex.of(entries), set(head["dirty"])
