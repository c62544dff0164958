"""Kafka subscribers of the kpi service: every consumed event is a fact for the read models."""

from collections.abc import Sequence

from parkops_runtime.consumer import Delivery

from kpi.projections import Projections


class ParkEventsHandler:
    """Every consumed event, whatever its service: recorded once, then folded (`Projections.take`)."""

    def __init__(self, projections: Projections) -> None:
        self._projections = projections

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        await self._projections.take(deliveries)
