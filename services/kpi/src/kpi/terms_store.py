"""Park terms stored as aggregates (one per park, each change a new version), cached in memory.

Writes go through the aggregate's commit (the unique-_id insert decides between concurrent admins); the
cache is loaded at start-up and updated after each write, so scorecards never read the store.

Terms belong to the group owning the park (the caller resolved it through the directory). Terms stored
under the park id by another group — written before parks were checked against the directory — are
treated as absent, and the owner's first change replaces them."""

from collections.abc import Callable

from parkops_kernel.errors import Conflict
from parkops_runtime.errors import ConcurrencyConflict
from parkops_runtime.outbox import AggregateCollection

from kpi.domain.terms import ParkTerms

ATTEMPTS = 5


class TermsStore:
    def __init__(self, aggregates: AggregateCollection) -> None:
        self._aggregates = aggregates
        self._terms: dict[str, ParkTerms] = {}

    async def load(self) -> None:
        async for doc in self._aggregates.collection.find({}):
            self._terms[str(doc["_id"])] = ParkTerms.from_document(doc)

    def get(self, park_id: str, group_id: str) -> ParkTerms:
        terms = self._terms.get(park_id)
        return terms if terms is not None and terms.group_id == group_id else ParkTerms(park_id, group_id)

    async def change(self, park_id: str, group_id: str, mutate: Callable[[ParkTerms], None]) -> ParkTerms:
        """Apply `mutate` to the stored terms and save them as the next version (retried on a race)."""
        for _ in range(ATTEMPTS):
            doc = await self._aggregates.get(park_id)
            terms = ParkTerms(park_id, group_id)
            if doc is not None and doc["group_id"] == group_id:
                terms = ParkTerms.from_document(doc)
            mutate(terms)
            try:
                if doc is None:
                    await self._aggregates.insert(park_id, terms.to_document(), [])
                else:
                    await self._aggregates.update(park_id, int(doc["_version"]), terms.to_document(), [])
            except ConcurrencyConflict:
                continue
            self._terms[park_id] = terms
            return terms
        raise Conflict(f"the terms of park {park_id} keep changing; try again")
