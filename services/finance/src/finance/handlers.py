"""Kafka subscribers of finance: each consumed event becomes a change of its park's books
(`finance.service.events` says which).

The event's CloudEvents `source#id` is the change's cause, so a redelivery finds its cause applied
and has no effect (the applied causes are the inbox, stored in the park's books document, written
together with the effect). A batch is folded per park: one write per park, not one per event.

An event changes the books of a park only when the park directory knows the park and the event's group
owns it: a park the directory does not know yet is waited for a moment (its `ParkRegistered` may still be
on its way on the directory's own consumer), then the event fails and is dead-lettered with the reason,
as is an event whose group is not the park's. The other parks of the batch are booked all the same."""

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence

from parkops_runtime.consumer import Delivery
from parkops_runtime.directory import Directory, ParkEntry

from finance.service import FinanceService
from finance.service.events import CONSUMED, Consumed, consumed

__all__ = ["CONSUMED", "ConsumedEventsHandler", "NotThisParksEvent"]


class NotThisParksEvent(Exception):
    """An event for a park the directory does not know, or of a group that does not own the park."""


class ConsumedEventsHandler:
    def __init__(self, finance: FinanceService, directory: Directory, wait_seconds: float = 5.0) -> None:
        self._finance = finance
        self._directory = directory
        self._wait_seconds = wait_seconds

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        by_park: defaultdict[tuple[str, str], list[Consumed]] = defaultdict(list)
        for d in deliveries:
            if (booked := consumed(d.event, d.meta.dedup_key)) is not None:
                by_park[(booked.park_id, booked.group_id)].append(booked)
        refused: list[str] = []
        for (park_id, group_id), batch in by_park.items():
            park = await self._known(park_id)
            if park is None or park.group_id != group_id:
                refused.append(f"park {park_id} is not a park of group {group_id} in the directory")
                continue
            await self._finance.apply_events(park, batch)
        if refused:
            raise NotThisParksEvent("; ".join(refused))

    async def _known(self, park_id: str) -> ParkEntry | None:
        deadline = time.monotonic() + self._wait_seconds
        park = await self._directory.park(park_id)
        while park is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            park = await self._directory.park(park_id)
        return park
