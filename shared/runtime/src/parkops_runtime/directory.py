"""The park and tenant directory: which group owns which park, which tenants a park has.

leasing is the system of record: a park belongs to the group that registered it there, a tenant to the
park that onboarded it. leasing answers from its own parks; every other service keeps a `StoredDirectory`
fed by leasing's `ParkRegistered` and `TenantOnboarded` on a consumer group of its own (so it never
competes with the service's own handlers for those topics). Each entry is written once, by `_id`, into
the service's `directory` collection: the first registration wins and a redelivered event changes
nothing. Entries never change once written, so every replica caches what it found and reads the store
on a miss — a park registered a moment ago is known by every replica as soon as one consumed it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded
from parkops_kernel.bounds import is_id
from pymongo.asynchronous.collection import AsyncCollection

from parkops_runtime.consumer import Delivery
from parkops_runtime.mongo import Document, insert_new

FEED: tuple[type[Event], ...] = (ParkRegistered, TenantOnboarded)
MAX_CACHED = 200_000


@dataclass(frozen=True)
class ParkEntry:
    park_id: str
    group_id: str
    name: str
    registered_at: datetime


@dataclass(frozen=True)
class TenantEntry:
    park_id: str
    tenant_id: str
    group_id: str
    name: str


E = TypeVar("E", ParkEntry, TenantEntry)


class Directory(Protocol):
    async def park(self, park_id: str) -> ParkEntry | None: ...

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None: ...


def park_key(park_id: str) -> str:
    return f"park/{park_id}"


def tenant_key(park_id: str, tenant_id: str) -> str:
    return f"tenant/{park_id}/{tenant_id}"


def entry_of(event: Event) -> Document | None:
    """The directory document an event creates, if any."""
    if isinstance(event, ParkRegistered):
        return {
            "_id": park_key(event.park_id),
            "park_id": event.park_id,
            "group_id": event.group_id,
            "name": event.name,
            "registered_at": event.registered_at.isoformat(),
        }
    if isinstance(event, TenantOnboarded):
        return {
            "_id": tenant_key(event.park_id, event.tenant_id),
            "park_id": event.park_id,
            "tenant_id": event.tenant_id,
            "group_id": event.group_id,
            "name": event.name,
        }
    return None


class StoredDirectory:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self._parks: dict[str, ParkEntry] = {}
        self._tenants: dict[str, TenantEntry] = {}

    async def park(self, park_id: str) -> ParkEntry | None:
        if not is_id(park_id):
            return None
        key = park_key(park_id)
        found = self._parks.get(key)
        if found is None:
            doc = await self.collection.find_one({"_id": key})
            if doc is None:
                return None
            found = ParkEntry(
                doc["park_id"], doc["group_id"], doc["name"], datetime.fromisoformat(doc["registered_at"])
            )
            self._remember(self._parks, key, found)
        return found

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        if not (is_id(park_id) and is_id(tenant_id)):
            return None
        key = tenant_key(park_id, tenant_id)
        found = self._tenants.get(key)
        if found is None:
            doc = await self.collection.find_one({"_id": key})
            if doc is None:
                return None
            found = TenantEntry(doc["park_id"], doc["tenant_id"], doc["group_id"], doc["name"])
            self._remember(self._tenants, key, found)
        return found

    async def record(self, deliveries: Sequence[Delivery]) -> None:
        """The consumer's handler: store the entries the events create; the first one of an `_id` wins."""
        documents: dict[str, Document] = {}
        for delivery in deliveries:
            document = entry_of(delivery.event)
            if document is not None:
                documents.setdefault(document["_id"], document)
        await insert_new(self.collection, list(documents.values()))

    @staticmethod
    def _remember(cache: dict[str, E], key: str, entry: E) -> None:
        if len(cache) >= MAX_CACHED:
            cache.clear()
        cache[key] = entry
