"""Where `domain.tenant_tickets` lives: one aggregate per tenant in `tenant_tickets`, written through the
runtime's AggregateStore (a racing replica reloads and adds again; adding twice changes nothing).

Written before the ticket it names (`TicketService.open_ticket`), so every stored ticket is named once
its open answers, on any replica, and a crash between the two leaves only a name with no ticket, which
readers skip. Tickets stored before the lists existed are named by a backfill: each replica, at start,
unless the marker `tenant_tickets` in `read_models` says a backfill finished, reads every ticket's tenant
once (in the background: a scan on FerretDB) and adds them; until then `GET /tickets` reads every
ticket as before. The marker records when the backfill started (it names every ticket stored before)."""

import asyncio
from collections import defaultdict
from datetime import datetime

import structlog
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock
from parkops_runtime.mongo import Document
from parkops_runtime.tasks import stop_task
from pymongo.asynchronous.collection import AsyncCollection

from tickets.domain.tenant_tickets import TenantTickets, list_id
from tickets.repository import TicketDocuments

log = structlog.get_logger(__name__)
MARKER = "tenant_tickets"


class TenantLists:
    def __init__(self, store: AggregateStore[TenantTickets]) -> None:
        self._store = store

    async def add(self, group_id: str, tenant_id: str, tickets: dict[str, datetime]) -> None:
        def add(lists: TenantTickets) -> None:
            lists.add(tickets)

        def new() -> TenantTickets:
            return TenantTickets(group_id=group_id, tenant_id=tenant_id)

        await self._store.change(list_id(group_id, tenant_id), add, create=new)

    async def newest_first(self, group_id: str, tenant_id: str) -> list[str]:
        found = await self._store.get(list_id(group_id, tenant_id))
        return found.newest_first() if found else []


class Backfill:
    """Names in the lists the tickets stored before them (see the module's docstring)."""

    def __init__(
        self, lists: TenantLists, markers: AsyncCollection[Document], documents: TicketDocuments, clock: Clock
    ) -> None:
        self._lists, self._markers, self._documents, self._clock = lists, markers, documents, clock
        self._complete = False
        self._task: asyncio.Task[None] | None = None

    async def complete(self) -> bool:
        """Whether the lists name every ticket (a backfill finished, on any replica)."""
        if not self._complete:
            self._complete = await self._markers.find_one({"_id": MARKER}) is not None
        return self._complete

    async def run(self) -> int:
        """Name every stored ticket in its tenant's list (once per database); returns the tenants named."""
        if await self.complete():
            return 0
        started = self._clock()
        by_tenant: dict[tuple[str, str], dict[str, datetime]] = defaultdict(dict)
        async for doc in self._documents.tenant_documents():
            opened = doc["opened_at"]
            at = opened if isinstance(opened, datetime) else datetime.fromisoformat(opened)
            by_tenant[(doc["group_id"], doc["tenant_id"])][doc["_id"]] = at
        for (group_id, tenant_id), tickets in by_tenant.items():
            await self._lists.add(group_id, tenant_id, tickets)
        marker = {"names_tickets_stored_before": started, "tenants": len(by_tenant)}
        await self._markers.replace_one({"_id": MARKER}, marker, upsert=True)
        self._complete = True
        return len(by_tenant)

    def start(self) -> None:
        """The backfill in the background (requests are served meanwhile)."""

        async def run() -> None:
            try:
                if named := await self.run():
                    log.info("tenants' ticket lists backfilled", tenants=named)
            except Exception:  # the next start tries again; meanwhile GET /tickets reads every ticket
                log.exception("tenants' ticket lists backfill failed")

        self._task = asyncio.create_task(run(), name="tenant-lists-backfill")

    async def stop(self) -> None:
        await stop_task(self._task)
