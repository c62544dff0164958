"""Use cases of the finance service: load a park's books -> domain -> save (state + events, one write).

The books last written or read by this process are kept in memory: a write starts from that copy and
the store's optimistic `_version` check catches a copy that another replica made stale (then the books
are reloaded and the change applied again); a read uses the copy when the store's `_version` is still
the copy's (one small indexed read instead of loading and decoding a park's books). A change that
raises leaves nothing behind: its copy is evicted. A change that changes nothing (a redelivered event,
a billing run with nothing due) is not written at all."""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

from parkops_runtime.auth import Principal, Role
from parkops_runtime.errors import ConcurrencyConflict, NotFound

from finance.domain.books import ParkBooks
from finance.repository import BooksRepository

T = TypeVar("T")
Change = Callable[[ParkBooks], T]
WRITERS = (Role.GROUP_ADMIN, Role.PARK_OPERATOR)
MAX_ATTEMPTS = 20  # optimistic concurrency: the loser of a race reloads and tries again


class FinanceService:
    def __init__(self, books: BooksRepository) -> None:
        self._books = books
        self._cache: dict[str, ParkBooks] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def repository(self) -> BooksRepository:
        return self._books

    async def read(self, who: Principal, park_id: str) -> ParkBooks:
        """The park's books if the principal sees the park (404 otherwise, as if missing)."""
        async with self._locks[park_id]:
            cached = self._cache.get(park_id)
            if cached and cached.version == await self._books.version_of(park_id):
                books: ParkBooks | None = cached
            else:
                books = await self._load(park_id)
        if books is None:
            raise NotFound(f"park {park_id} not found")
        who.require_park(books.group_id, park_id)
        return books

    async def write(self, who: Principal, park_id: str, change: Change[T]) -> T:
        """Apply an operator's command; a park's books start with its first command or event."""
        who.require_park(who.group_id, park_id)
        who.require_role(*WRITERS)

        def scoped(books: ParkBooks) -> T:
            who.require_park(books.group_id, park_id)
            return change(books)

        return await self._apply(park_id, who.group_id, scoped)

    async def apply_events(self, park_id: str, group_id: str, changes: Sequence[Change[object]]) -> None:
        """Fold a batch of one park's consumed events into one write."""

        def all_of(books: ParkBooks) -> None:
            for change in changes:
                change(books)

        await self._apply(park_id, group_id, all_of)

    async def _load(self, park_id: str) -> ParkBooks | None:
        books = await self._books.get(park_id)
        if books is not None:
            self._cache[park_id] = books
        return books

    async def _apply(self, park_id: str, group_id: str, change: Change[T]) -> T:
        async with self._locks[park_id]:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                books = self._cache.pop(park_id, None) or await self._books.get(park_id)
                books = books or ParkBooks(park_id=park_id, group_id=group_id)
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
