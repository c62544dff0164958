"""A park's tickets as kpi needs them: each ticket's latest resolution and its ratings packed into a few
dozen bytes (`kpi.domain.ticket_table`), and per-day totals that a period's ticket KPIs are summed from.

tickets' rules (the owner): a ticket's latest resolution counts (by `resolved_at`, then event id); a
reopening undoes a resolution made before it (topics are not ordered with each other: the reopening may
be heard first); each resolution's latest rating counts. A ticket's record is

    resolution: 0 | 1 + (resolved_at µs, day, response s, resolution s, flags) + event id
    rating*:    (resolution, score, rated_at µs, day) + event id      (by resolution)

with an event id as 16 bytes (hex ids) or its UTF-8 text (`kpi.domain.event_ids`)."""

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parkops_kernel.figures import is_satisfied

from kpi.domain.days import days_in
from kpi.domain.event_ids import packed
from kpi.domain.periods import Period
from kpi.domain.ticket_table import TicketTable

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
RESOLUTION = struct.Struct("<qiIIB")
RATING = struct.Struct("<HBqi")
LENGTH = struct.Struct("<H")
REPAIR, MET = 1, 2
RESOLVED_FIELDS = ("resolved", "repairs", "met", "response_s", "resolution_s", "repair_response_s")

Resolved = tuple[int, int, int, int, int, str]
"""(resolved_at µs, day, response s, resolution s, flags, event id)"""
Rated = tuple[int, int, int, int, str]
"""(resolution, score, rated_at µs, day, event id)"""


def _micros(at: datetime) -> int:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (aware - EPOCH) // MICRO


def _id_bytes(event_id: str) -> bytes:
    raw = packed(event_id)
    if raw is not None:
        return b"\x00" + raw
    text = event_id.encode()
    return b"\x01" + LENGTH.pack(len(text)) + text


def _read_id(data: bytes, at: int) -> tuple[str, int]:
    if data[at] == 0:
        return data[at + 1 : at + 17].hex(), at + 17
    (size,) = LENGTH.unpack_from(data, at + 1)
    return data[at + 3 : at + 3 + size].decode(), at + 3 + size


def encode(resolved: Resolved | None, ratings: list[Rated]) -> bytes:
    parts = [b"\x01" + RESOLUTION.pack(*resolved[:5]) + _id_bytes(resolved[5]) if resolved else b"\x00"]
    parts += [RATING.pack(*r[:4]) + _id_bytes(r[4]) for r in sorted(ratings)]
    return b"".join(parts)


def decode(data: bytes) -> tuple[Resolved | None, list[Rated]]:
    resolved: Resolved | None = None
    at = 1
    if data[0]:
        fields = RESOLUTION.unpack_from(data, at)
        event_id, at = _read_id(data, at + RESOLUTION.size)
        resolved = (*fields, event_id)
    ratings: list[Rated] = []
    while at < len(data):
        fields = RATING.unpack_from(data, at)
        event_id, at = _read_id(data, at + RATING.size)
        ratings.append((*fields, event_id))
    return resolved, ratings


@dataclass
class TicketBook:
    tickets: TicketTable = field(default_factory=TicketTable)
    reopened: dict[str, int] = field(default_factory=dict)
    """Ticket -> when it was last reopened (µs)."""
    resolved: dict[int, list[int]] = field(default_factory=dict)
    """Day -> the totals of the latest resolutions that day (`RESOLVED_FIELDS`)."""
    rated: dict[int, list[int]] = field(default_factory=dict)
    """Day -> [ratings given, satisfied (4-5)] of each resolution's latest rating that day."""

    def resolve(
        self,
        ticket_id: str,
        *,
        resolved_at: datetime,
        response_s: int,
        resolution_s: int,
        repair: bool,
        met: bool,
        event_id: str,
    ) -> bool:
        """Fold a resolution; False for one already the ticket's (a second delivery)."""
        key = ticket_id
        current, ratings = self._of(key)
        if current is not None and current[5] == event_id:
            return False
        at = _micros(resolved_at)
        undone = self.reopened.get(key)
        if undone is not None and at <= undone:
            return True  # reopened since: tickets counts it resolved no more
        if current is None or (at, event_id) > (current[0], current[5]):
            flags = (REPAIR if repair else 0) | (MET if met else 0)
            new = (at, resolved_at.date().toordinal(), response_s, resolution_s, flags, event_id)
            self._count(current, -1)
            self._count(new, 1)
            self.tickets.put(key, encode(new, ratings))
        return True

    def reopen(self, ticket_id: str, reopened_at: datetime) -> None:
        key, at = ticket_id, _micros(reopened_at)
        last = self.reopened.get(key)
        self.reopened[key] = at if last is None else max(last, at)
        current, ratings = self._of(key)
        if current is not None and current[0] <= at:
            self._count(current, -1)
            self.tickets.put(key, encode(None, ratings))

    def rate(self, ticket_id: str, resolution: int, score: int, rated_at: datetime, event_id: str) -> bool:
        """Fold a rating; False for one already the resolution's (a second delivery)."""
        key = ticket_id
        current, ratings = self._of(key)
        old = next((r for r in ratings if r[0] == resolution), None)
        if old is not None and old[4] == event_id:
            return False
        at = _micros(rated_at)
        if old is None or (at, event_id) > (old[2], old[4]):
            new = (resolution, score, at, rated_at.date().toordinal(), event_id)
            if old is not None:
                ratings.remove(old)
                self._rating(old, -1)
            ratings.append(new)
            self._rating(new, 1)
            self.tickets.put(key, encode(current, ratings))
        return True

    def _of(self, key: str) -> tuple[Resolved | None, list[Rated]]:
        data = self.tickets.get(key)
        return decode(data) if data is not None else (None, [])

    def _count(self, resolution: Resolved | None, sign: int) -> None:
        if resolution is None:
            return
        _, day, response, resolve, flags, _ = resolution
        totals = self.resolved.setdefault(day, [0] * len(RESOLVED_FIELDS))
        repair = flags & REPAIR
        met = 1 if flags & MET else 0
        for i, v in enumerate((1, repair, met, response, resolve, response if repair else 0)):
            totals[i] += sign * v
        if not totals[0]:
            del self.resolved[day]

    def _rating(self, rating: Rated, sign: int) -> None:
        day = self.rated.setdefault(rating[3], [0, 0])
        day[0] += sign
        day[1] += sign * is_satisfied(rating[1])
        if not day[0]:
            del self.rated[rating[3]]

    # -- a period's figures ----------------------------------------------------------------------

    def resolved_in(self, period: Period) -> dict[str, int]:
        sums = [0] * len(RESOLVED_FIELDS)
        for _, totals in days_in(self.resolved, period):
            for i, v in enumerate(totals):
                sums[i] += v
        return dict(zip(RESOLVED_FIELDS, sums, strict=True))

    def rated_in(self, period: Period) -> tuple[int, int]:
        """(satisfied, given) of the ratings given in the period."""
        given = satisfied = 0
        for _, (g, s) in days_in(self.rated, period):
            given, satisfied = given + g, satisfied + s
        return satisfied, given

    def resolution_ids(self, period: Period, repairs_only: bool = False) -> Iterator[str]:
        first, last = period.start.toordinal(), period.end.toordinal()
        for data in self.tickets.values():
            resolved, _ = decode(data)
            if resolved and first <= resolved[1] <= last and (resolved[4] & REPAIR or not repairs_only):
                yield resolved[5]

    def rating_ids(self, period: Period) -> Iterator[str]:
        first, last = period.start.toordinal(), period.end.toordinal()
        for data in self.tickets.values():
            yield from (r[4] for r in decode(data)[1] if first <= r[3] <= last)
