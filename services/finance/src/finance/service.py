"""Use cases of the finance service: load a park's books -> domain -> save (state + events, one write).

The runtime's AggregateStore is the write path: it keeps the books this process read or wrote in memory
(a read costs one small `_id` read while they are the stored version), retries a change that lost a race
on the stored books, leaves nothing behind of a change that raises and writes nothing for a change that
changes nothing (a redelivered event, a billing run with nothing due).

Which park and group the books belong to comes from the park directory (leasing's record), never from
the caller: books are created only for a park the directory knows, with its group, on the first change.
A known park without books yet reads as empty books. Books stored under another group (written before
parks had owners) are refused, so neither group sees or extends the other's (409 for the owner)."""

from collections.abc import Callable, Sequence
from typing import TypeVar

import structlog
from parkops_kernel.errors import Conflict
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.directory import ParkEntry

from finance.domain.books import ParkBooks

T = TypeVar("T")
Change = Callable[[ParkBooks], T]
log = structlog.get_logger(__name__)


class FinanceService:
    def __init__(self, books: AggregateStore[ParkBooks]) -> None:
        self.books = books

    async def read(self, park: ParkEntry) -> ParkBooks:
        """The books of a park the directory knows (empty until its first change)."""
        books = await self.books.get(park.park_id)
        return owned(books, park) if books else ParkBooks(park_id=park.park_id, group_id=park.group_id)

    async def write(self, park: ParkEntry, change: Change[T]) -> T:
        """Apply a command to the books of a park the directory knows; the caller's scope was checked."""
        return await self.books.change(
            park.park_id,
            lambda books: change(owned(books, park)),
            create=lambda: ParkBooks(park_id=park.park_id, group_id=park.group_id),
        )

    async def apply_events(self, park: ParkEntry, changes: Sequence[Change[object]]) -> None:
        """Fold a batch of one park's consumed events into one write."""

        def all_of(books: ParkBooks) -> None:
            for change in changes:
                change(books)

        await self.write(park, all_of)


def owned(books: ParkBooks, park: ParkEntry) -> ParkBooks:
    """The stored books, if they belong to the group that owns the park."""
    if books.group_id != park.group_id:
        log.warning("books of another group", park_id=park.park_id, books_group=books.group_id)
        raise Conflict(
            f"the books of park {park.park_id} were opened by another group; an operator must move them"
        )
    return books
