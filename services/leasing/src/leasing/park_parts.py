"""A park stored in parts, so that quoting and signing a lease cost the same in a park of 200 units as in
one of 20,000 (ADR 14):
- the park (`parkops_runtime` aggregate `park`): its name, group, type, leading industries, pricing
  policy, commitments, units and tenants; a lease's sign, renewal or termination never writes it, so
  every replica keeps answering it from memory;
- a unit book per unit (`leasing.domain.unit_book`): the periods leases hold it for; its version is the
  compare-and-set that keeps two leases off one unit on one day;
- a lease file per lease (`leasing.domain.lease_file`): the lease, and the events of its changes.

A lease over several units is all or nothing: its units' books are claimed one by one in the order of
their ids (so two signs racing for the same units meet at the first one they share, never deadlock), and
a claim that is refused releases those already made before the refusal is answered. Only then is the
lease written, with its events; a writer that dies or fails between its claims and its lease leaves
claims that name no lease, which any later claim drops once they are `ABANDONED_AFTER` old. Reads join
the parts: the leases of a park are those its units' books name.

Parks stored before (their leases inside the park) are migrated on read: `park` copies their leases into
lease files and unit books, then empties the park's leases, each step repeatable, so replicas migrating
the same park at once agree."""

import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

from parkops_kernel.errors import NotFound
from parkops_runtime.aggregates import Idempotency
from parkops_runtime.clock import Clock, utc_now

from leasing.domain.lease import Lease
from leasing.domain.lease_file import LeaseFile
from leasing.domain.park import Park
from leasing.domain.unit_book import ABANDONED_AFTER, Period, Truth, UnitBook
from leasing.repository import BookStore, FileStore, ParkStore

R = TypeVar("R")
Span = tuple[date, date]  # first and last day
PARKS_REMEMBERED = 1_000  # parks whose leases a replica keeps read whole (then it forgets them all)


def book_id(park_id: str, unit_id: str) -> str:
    return f"{park_id}/{unit_id}"


def file_id(park_id: str, lease_id: str) -> str:
    return f"{park_id}/{lease_id}"


class ParkParts:
    def __init__(
        self,
        parks: ParkStore,
        books: BookStore,
        files: FileStore,
        wall: Clock = utc_now,
        fresh_for: float = 0.0,
    ) -> None:
        """`wall`: the time claims are stamped and judged abandoned by: a writer's timeout, so real time
        on every replica, never the business clock a test or a simulation may set back or forward.
        `fresh_for`: how long a park's leases read whole are answered from memory (as the park itself
        is, `AggregateStore`): they may lag another replica's write by that long, never this one's."""
        self.parks, self.books, self.files, self._clock = parks, books, files, wall
        self._fresh_for = fresh_for
        self._all_leases: dict[str, tuple[float, dict[str, Lease]]] = {}
        self._writes = 0  # lease writes of this replica so far

    async def park(self, park_id: str, *, current: bool = False) -> Park | None:
        """The park without its leases (from memory while it is the stored version, asked even within
        `fresh_for` when `current`), migrated first when it was stored with them."""
        park = await self.parks.get(park_id, current=current)
        if park is not None and park.leases:
            await self._migrate(park)
            park = await self.parks.get(park_id)
        return park

    async def require(self, park_id: str, *, current: bool = False) -> Park:
        park = await self.park(park_id, current=current)
        if park is None:
            raise NotFound(f"park {park_id} does not exist")
        return park

    async def with_leases(
        self, park: Park, unit_ids: Iterable[str] | None = None, span: Span | None = None
    ) -> Park:
        """The park seen with the leases of `unit_ids` (None: of all its units), only those that may
        hold a day of `span` when given: for rules and reads that look at leases. A read: never change
        what it returns."""
        if unit_ids is not None:
            return park.with_leases(await self.leases_of(park.park_id, unit_ids, span))
        remembered = self._all_leases.get(park.park_id)
        if remembered is not None and time.monotonic() - remembered[0] < self._fresh_for:
            return park.with_leases(remembered[1])
        writes = self._writes
        leases = await self.leases_of(park.park_id, park.units)
        # kept unless this replica wrote meanwhile: the read may have missed that write
        if self._fresh_for > 0 and writes == self._writes:
            if len(self._all_leases) >= PARKS_REMEMBERED:
                self._all_leases.clear()
            self._all_leases[park.park_id] = (time.monotonic(), leases)
        return park.with_leases(leases)

    def _changed(self, park_id: str) -> None:
        """A write of this replica: its next read of the park's leases reads them again."""
        self._writes += 1
        self._all_leases.pop(park_id, None)

    async def change_lease(
        self, park_id: str, lease_id: str, fn: Callable[[LeaseFile], R], idempotency: Idempotency[R] | None
    ) -> R:
        """Change a lease's file (its renewal, its termination)."""
        self._changed(park_id)
        try:
            return await self.files.change(file_id(park_id, lease_id), fn, idempotency=idempotency)
        finally:
            self._changed(park_id)

    async def leases_of(
        self, park_id: str, unit_ids: Iterable[str], span: Span | None = None
    ) -> dict[str, Lease]:
        """Every lease that holds or held one of the units, as its file says; with `span`, only those
        whose periods overlap it (a lease ends no later than its period: the others hold none of it),
        so a sign's reads do not grow with its units' history."""
        books = await self.books.get_many([book_id(park_id, u) for u in unit_ids])
        periods = [p for book in books.values() for p in book.periods]
        lease_ids = sorted({p.lease_id for p in periods if span is None or p.overlaps(*span)})
        files = await self.files.get_many([file_id(park_id, x) for x in lease_ids])
        leases = {f.lease.lease_id: f.lease for f in files.values()}
        for f in files.values():  # a renewal whose own document a dead writer did not write
            if f.renewal is not None and f.renewal.lease_id not in leases:
                leases[f.renewal.lease_id] = f.renewal
        # in the order they were signed, as one park document kept them
        return {x.lease_id: x for x in sorted(leases.values(), key=_signed)}

    async def lease(self, park: Park, lease_id: str) -> Lease:
        """One lease (404 worded as the park's): its file, or the file of the lease it renews."""
        key = file_id(park.park_id, lease_id)
        found = await self.files.get(key)
        if found is not None:
            return found.lease
        renewal = (await self.with_leases(park)).lease(lease_id)
        await self.files.change(
            key, _unchanged, create=lambda: LeaseFile(park_id=park.park_id, lease=renewal)
        )
        return renewal

    async def claim(self, park_id: str, lease: Lease) -> None:
        """Hold each of the lease's units for its term, in the order of their ids; all or none (409
        naming the first unit refused, the claims made before it released)."""
        self._changed(park_id)
        claimed: list[str] = []
        try:
            for unit_id in sorted(lease.unit_ids):
                await self._claim(park_id, unit_id, lease)
                claimed.append(unit_id)
        except BaseException:
            await self.release(park_id, lease.lease_id, claimed)
            raise

    async def _claim(self, park_id: str, unit_id: str, lease: Lease) -> None:
        period, key = _period(lease, self._clock()), book_id(park_id, unit_id)
        span = (lease.starts_on, lease.last_day)
        truth = await self._truth(park_id, await self.books.get(key), lease.lease_id, span)
        await self.books.change(
            key, lambda b: b.claim(period, truth), create=lambda: UnitBook.open(park_id, unit_id)
        )

    async def release(self, park_id: str, lease_id: str, unit_ids: Iterable[str]) -> None:
        self._changed(park_id)
        for unit_id in unit_ids:
            await self.books.change(book_id(park_id, unit_id), lambda b: b.release(lease_id))

    async def hold_until(self, park_id: str, lease: Lease) -> None:
        """After a termination: the units are held only to its last day. Until this is written (a crash
        in between), claims learn it from the lease itself (`UnitBook.claim`)."""
        self._changed(park_id)
        for unit_id in lease.unit_ids:
            key = book_id(park_id, unit_id)
            await self.books.change(key, lambda b: b.hold_until(lease.lease_id, lease.last_day))

    async def start_renovation(self, park_id: str, unit_id: str, today: date) -> None:
        key = book_id(park_id, unit_id)
        truth = await self._truth(park_id, await self.books.get(key), None, (today, today))
        await self.books.change(
            key, lambda b: b.start_renovation(today, truth), create=lambda: UnitBook.open(park_id, unit_id)
        )

    async def set_renovating(self, park_id: str, unit_id: str, renovating: bool) -> None:
        def mark(book: UnitBook) -> None:
            book.renovating = renovating

        create = lambda: UnitBook.open(park_id, unit_id)  # noqa: E731
        await self.books.change(book_id(park_id, unit_id), mark, create=create)

    async def write_lease(
        self, park_id: str, lease: Lease, fn: Callable[[LeaseFile], R], idempotency: Idempotency[R] | None
    ) -> R:
        """Store a new lease with the events `fn` records; its units claimed before (`claim`)."""
        try:
            return await self.files.change(
                file_id(park_id, lease.lease_id),
                fn,
                create=lambda: LeaseFile(park_id=park_id, lease=lease),
                idempotency=idempotency,
            )
        finally:
            self._changed(park_id)

    async def _truth(
        self, park_id: str, book: UnitBook | None, own: str | None, span: tuple[date, date]
    ) -> Truth:
        """What the leases behind the book's periods in the way of `span` say (see `UnitBook`). Only
        those: a period's lease can only end earlier than the period says, never later, so one that
        does not overlap cannot hold a day of it; a claim's cost does not grow with the unit's history."""
        periods = book.periods if book else []
        others = [p for p in periods if p.lease_id != own and p.overlaps(*span)]
        files = await self.files.get_many([file_id(park_id, p.lease_id) for p in others])
        held = {f.lease.lease_id: (f.lease.starts_on, f.lease.last_day) for f in files.values()}
        # a renewal whose own file a dead writer did not write is kept by the file of the lease it renews
        unwritten = {p.renewal_of for p in others if p.lease_id not in held and p.renewal_of}
        renewed = await self.files.get_many([file_id(park_id, x) for x in sorted(unwritten) if x])
        for f in renewed.values():
            if f.renewal is not None:
                held[f.renewal.lease_id] = (f.renewal.starts_on, f.renewal.last_day)
        stale = self._clock() - ABANDONED_AFTER
        abandoned = {p.lease_id for p in others if p.lease_id not in held and p.claimed_at < stale}
        return Truth(held, frozenset(abandoned))

    async def _adopt(self, park_id: str, unit_id: str, period: Period) -> None:
        create = lambda: UnitBook.open(park_id, unit_id)  # noqa: E731
        await self.books.change(book_id(park_id, unit_id), lambda b: b.adopt(period), create=create)

    async def _migrate(self, park: Park) -> None:
        park_id, at = park.park_id, self._clock()
        for lease in park.leases.values():
            for unit_id in lease.unit_ids:
                await self._adopt(park_id, unit_id, _period(lease, at))
            await self.files.change(
                file_id(park_id, lease.lease_id), _unchanged, create=_file_of(park_id, lease)
            )
        for unit in park.units.values():
            if unit.renovating:
                await self.set_renovating(park_id, unit.unit_id, True)
        await self.parks.change(park_id, _forget_leases)


def _period(lease: Lease, at: datetime) -> Period:
    return Period(
        lease_id=lease.lease_id,
        renewal_of=lease.renewal_of,
        tenant_id=lease.tenant_id,
        starts_on=lease.starts_on,
        last_day=lease.last_day,
        claimed_at=at,
    )


def _signed(lease: Lease) -> tuple[datetime, int, str]:
    return lease.signed_at, lease.renewal_number, lease.lease_id


def _file_of(park_id: str, lease: Lease) -> Callable[[], LeaseFile]:
    return lambda: LeaseFile(park_id=park_id, lease=lease)


def _unchanged(_: LeaseFile) -> None:
    return None


def _forget_leases(park: Park) -> None:
    park.leases = {}
