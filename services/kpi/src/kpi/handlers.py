"""Kafka subscribers of the kpi service: record new facts in the inbox, then advance the read models."""

from collections.abc import Sequence

from parkops_runtime.consumer import Delivery
from parkops_runtime.inbox import Inbox

from kpi.projections import Projections


class ParkEventsHandler:
    """Every consumed event, whatever its service: one bulk insert into the inbox per batch."""

    def __init__(self, inbox: Inbox, projections: Projections) -> None:
        self._inbox = inbox
        self._projections = projections

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        """A redelivered or republished event is already in the inbox and is skipped."""
        fresh = await self._inbox.record(deliveries)
        self._projections.apply_all((d.event, d.meta.time, d.meta.id) for d in fresh)
