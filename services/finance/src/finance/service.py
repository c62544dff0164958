"""Use cases of the finance service: load a park's books -> domain -> save (state + events, one write).

The books last written or read by this process are kept in memory: a write starts from that copy and
the store's optimistic `_version` check catches a copy that another replica made stale (then the books
are reloaded and the change applied again); a read uses the copy when the store's `_version` is still
the copy's (one small indexed read instead of loading and decoding a park's books). A change that
raises leaves nothing behind: its copy is evicted. A change that changes nothing (a redelivered event,
a billing run with nothing due) is not written at all.

Which park and group the books belong to comes from the park directory (leasing's record), never from
the caller: books are created only for a park the directory knows, with its group, on the first change.
A known park without books yet reads as empty books. Books stored under another group (written before
parks had owners) are refused, so neither group sees or extends the other's (409 for the owner)."""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

import structlog
from parkops_kernel.errors import Conflict
from parkops_runtime.directory import ParkEntry
from parkops_runtime.errors import ConcurrencyConflict

from finance.domain.books import ParkBooks
from finance.repository import BooksRepository

T = TypeVar("T")
Change = Callable[[ParkBooks], T]
MAX_ATTEMPTS = 20  # optimistic concurrency: the loser of a race reloads and tries again
log = structlog.get_logger(__name__)


class FinanceService:
    def __init__(self, books: BooksRepository) -> None:
        self._books = books
        self._cache: dict[str, ParkBooks] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def repository(self) -> BooksRepository:
        return self._books

    async def read(self, park: ParkEntry) -> ParkBooks:
        """The books of a park the directory knows (empty until its first change)."""
        async with self._locks[park.park_id]:
            cached = self._cache.get(park.park_id)
            if cached and cached.version == await self._books.version_of(park.park_id):
                books: ParkBooks | None = cached
            else:
                books = await self._load(park.park_id)
        return owned(books, park) if books else ParkBooks(park_id=park.park_id, group_id=park.group_id)

    async def write(self, park: ParkEntry, change: Change[T]) -> T:
        """Apply a command to the books of a park the directory knows; the caller's scope was checked."""
        return await self._apply(park, change)

    async def apply_events(self, park: ParkEntry, changes: Sequence[Change[object]]) -> None:
        """Fold a batch of one park's consumed events into one write."""

        def all_of(books: ParkBooks) -> None:
            for change in changes:
                change(books)

        await self._apply(park, all_of)

    async def _load(self, park_id: str) -> ParkBooks | None:
        books = await self._books.get(park_id)
        if books is not None:
            self._cache[park_id] = books
        return books

    async def _apply(self, park: ParkEntry, change: Change[T]) -> T:
        park_id = park.park_id
        async with self._locks[park_id]:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                books = self._cache.pop(park_id, None) or await self._books.get(park_id)
                books = owned(books, park) if books else ParkBooks(park_id=park_id, group_id=park.group_id)
                before = books.model_dump_json() if books.version else ""
                try:
                    result = change(books)
                    if books.events or books.model_dump_json() != before:  # a replay writes nothing
                        await self._books.save(books)
                except ConcurrencyConflict:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    await asyncio.sleep(0.01)
                    continue
                self._cache[park_id] = books
                return result
        raise AssertionError("unreachable")


def owned(books: ParkBooks, park: ParkEntry) -> ParkBooks:
    """The stored books, if they belong to the group that owns the park."""
    if books.group_id != park.group_id:
        log.warning("books of another group", park_id=park.park_id, books_group=books.group_id)
        raise Conflict(
            f"the books of park {park.park_id} were opened by another group; an operator must move them"
        )
    return books
