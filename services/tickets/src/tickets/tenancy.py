"""The tenants and units tickets knows, from leasing's facts kept in the inbox.

Consumers of one group split the partitions, so an instance may not have consumed a fact another
instance did: on a miss the directory is reloaded from the inbox (the shared, durable record), at most
once per `reload_every` seconds, so requests naming unknown tenants cannot make it re-read the inbox
each time."""

import time
from collections.abc import Sequence
from datetime import date

from parkops_kernel.errors import NotFound, Unprocessable
from parkops_runtime.consumer import Delivery
from parkops_runtime.inbox import Inbox, event_of

from tickets.domain.directory import Directory


class TenantAccess:
    """The directory of tenants and units, kept current from the inbox."""

    def __init__(self, inbox: Inbox, reload_every: float = 1.0) -> None:
        self.inbox = inbox
        self.directory = Directory()
        self._reload_every = reload_every
        self._reloaded_at = float("-inf")

    async def record(self, deliveries: Sequence[Delivery]) -> None:
        """A redelivered or republished event is already in the inbox and is skipped."""
        for delivery in await self.inbox.record(deliveries):
            self.directory.apply(delivery.event)

    async def reload(self) -> None:
        self._reloaded_at = time.monotonic()
        directory = Directory()
        async for fact in self.inbox.collection.find({}).sort("time"):
            directory.apply(event_of(fact))
        self.directory = directory

    async def check_tenant_may_open(self, park_id: str, tenant_id: str, group_id: str, on: date) -> None:
        try:
            self.directory.check_tenant_may_open(park_id, tenant_id, group_id, on)
        except NotFound:
            if not await self._reload_if_due():
                raise
            self.directory.check_tenant_may_open(park_id, tenant_id, group_id, on)

    async def check_unit(self, park_id: str, unit_id: str, tenant_id: str | None) -> None:
        try:
            self.directory.check_unit(park_id, unit_id, tenant_id)
        except Unprocessable:
            if not await self._reload_if_due():
                raise
            self.directory.check_unit(park_id, unit_id, tenant_id)

    async def _reload_if_due(self) -> bool:
        if time.monotonic() - self._reloaded_at < self._reload_every:
            return False
        await self.reload()
        return True
