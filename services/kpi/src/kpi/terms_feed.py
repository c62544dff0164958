"""kpi's own `KpiTermsChanged`, consumed back: the terms are rebuilt from kpi's topic like every other
input, while the other services' events go on to the read models (`kpi.handlers`)."""

from collections.abc import Awaitable, Callable, Sequence

from parkops_contracts.events.kpi import KpiTermsChanged
from parkops_runtime.consumer import BatchHandler, Delivery


class TermsAndFactsHandler:
    """A batch of the service's consumer group: each KpiTermsChanged folded into the terms (in the order
    consumed, a park's changes in the order recorded: the park is the key), the rest to `facts`."""

    def __init__(self, facts: BatchHandler, fold: Callable[[KpiTermsChanged], Awaitable[None]]) -> None:
        self._facts, self._fold = facts, fold

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        facts = [d for d in deliveries if not isinstance(d.event, KpiTermsChanged)]
        if facts:
            await self._facts(facts)
        for delivery in deliveries:
            if isinstance(delivery.event, KpiTermsChanged):
                await self._fold(delivery.event)
