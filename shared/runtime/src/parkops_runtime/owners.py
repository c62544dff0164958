"""Which process answers for each outbox commit, so that only a dead process's commits are taken over.

Every relay keeps a heartbeat document `{_id: <owner>, n: <beats>}` in `outbox.owners`, rewritten by
`_id` every beat. Another process judges an owner dead when its refreshes have seen the same beat (or no
document at all) for `dead_after` seconds of its own monotonic clock: no two machines' clocks are
compared, and a process whose loop stalled judges nobody before it has read fresh beats. However old a
live owner's commit, nobody else touches it.

A dead owner is claimed by one survivor with the insert of `adopted/<owner>` (a unique `_id`, the only
compare-and-set FerretDB has); only the winner finishes its commits. An adopter's adoptions pass on with
it: whoever adopts the adopter holds them too (the `by` chain is followed). Once a held owner has no
commits left its documents are deleted."""

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import structlog
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from parkops_runtime.mongo import Document

ADOPTED = "adopted/"
# Written in every beat by a process whose published commits are deleted late (`outbox.DELETE_AFTER`):
# while a live process does not say so (an older version, during a rolling deploy), writers read the
# version again after every claim.
DELAYED_DELETES = "delayed_deletes"
LEGACY = ""  # the owner of commits written before commits named theirs
log = structlog.get_logger(__name__)


class Owners:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        owner_id: str,
        dead_after: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.collection = collection
        self.owner_id = owner_id
        self._dead_after = dead_after
        self._clock = clock
        self._beats = 0
        self._seen: dict[str, tuple[object, float]] = {}  # owner -> (beat, when a refresh saw it change)
        self._listed: set[str] = set()  # owners with a heartbeat document at the last refresh
        self._adopted_by: dict[str, str] = {}
        self._refreshed_at = clock()
        self._undelayed: set[str] = set()  # owners whose last beat did not say DELAYED_DELETES

    async def beat(self) -> None:
        """Record this process alive, then read everyone's beats and adoptions (a handful of documents)."""
        self._beats += 1
        beat = {"n": self._beats, "at": datetime.now(UTC), DELAYED_DELETES: True}
        await self.collection.replace_one({"_id": self.owner_id}, beat, upsert=True)
        await self.refresh()

    async def refresh(self) -> None:
        beats: dict[str, object] = {}
        adopted: dict[str, str] = {}
        undelayed: set[str] = set()
        async for doc in self.collection.find({}):
            if doc["_id"].startswith(ADOPTED):
                adopted[doc["_id"].removeprefix(ADOPTED)] = doc["by"]
            else:
                beats[doc["_id"]] = doc.get("n")
                if not doc.get(DELAYED_DELETES):
                    undelayed.add(doc["_id"])
        self._refreshed_at = now = self._clock()
        for owner in self._seen.keys() | beats.keys():
            beat = beats.get(owner)
            if owner not in self._seen or self._seen[owner][0] != beat:
                self._seen[owner] = (beat, now)
        self._listed, self._adopted_by, self._undelayed = set(beats), adopted, undelayed

    @property
    def deletes_delayed(self) -> bool:
        """Whether every live process deletes its published commits late: known after a refresh that
        saw this process's own beat, and while no process alive (not yet judged dead) beats without
        saying so."""
        if self.owner_id not in self._listed:
            return False
        return all(self.is_dead(owner) for owner in self._undelayed)

    def met(self, owners: Iterable[str]) -> None:
        """Owners named by the commits found in a sweep: watched (some never had a heartbeat, e.g. the
        writers of legacy commits); owners neither listed nor met any more are forgotten."""
        met = set(owners)
        for owner in met - self._seen.keys():
            self._seen[owner] = (None, self._clock())
        for owner in self._seen.keys() - met - self._listed:
            del self._seen[owner]

    def meet(self, owner: str) -> None:
        if owner not in self._seen:
            self._seen[owner] = (None, self._clock())

    def is_dead(self, owner: str) -> bool:
        if owner == self.owner_id or owner not in self._seen:
            return False
        return self._refreshed_at - self._seen[owner][1] >= self._dead_after

    def holds(self, owner: str) -> bool:
        """Whether this process answers for the owner's commits: its own or adopted (maybe via an adopter)."""
        visited: set[str] = set()
        while owner != self.owner_id:
            if owner in visited or owner not in self._adopted_by:
                return False
            visited.add(owner)
            owner = self._adopted_by[owner]
        return True

    def dead_unclaimed(self) -> list[str]:
        """Dead owners nobody alive holds: unadopted, or adopted by an owner that died too."""
        return [
            owner
            for owner in sorted(self._seen)
            if self.is_dead(owner)
            and not self.holds(owner)
            and (owner not in self._adopted_by or self.is_dead(self._adopted_by[owner]))
        ]

    async def claim(self, owner: str, depth: int = 0) -> bool:
        """Take over a dead owner's commits; True when this process holds them (now or already).

        Only while the owner looks dead: one that beats again (it had stalled, not died) keeps its
        later commits, even if adopted."""
        self.meet(owner)
        if depth > 10 or not self.is_dead(owner):
            return False
        if self.holds(owner):
            return True
        adopter = self._adopted_by.get(owner)
        if adopter is not None:  # its adopter died too: whoever adopts the adopter holds it
            return await self.claim(adopter, depth + 1) and self.holds(owner)
        try:
            await self.collection.insert_one({"_id": ADOPTED + owner, "by": self.owner_id})
        except DuplicateKeyError:
            return False  # another survivor was first; the next refresh names it
        self._adopted_by[owner] = self.owner_id
        log.info("outbox owner died; its commits adopted", owner=owner)
        return True

    def held(self) -> list[str]:
        """The dead owners this process answers for."""
        return [o for o in self._adopted_by if o != self.owner_id and self.holds(o)]

    async def forget(self, owner: str) -> None:
        """A held owner without commits left (and whose own adoptions are forgotten already)."""
        if owner in self._adopted_by.values():
            return
        await self.collection.delete_one({"_id": owner})
        await self.collection.delete_one({"_id": ADOPTED + owner})
        self._adopted_by.pop(owner, None)
        self._seen.pop(owner, None)
        self._listed.discard(owner)
