"""kpi's own events consumed back: `KpiTermsChanged` into the terms and the published assessments
(`OperatorBonusEarned`, `KpiTargetMissed`) into the assessments, so a kpi rebuilt from the topics alone
has the same terms and answers the same assessments; the other services' events go on to the read
models (`kpi.handlers`)."""

from collections.abc import Awaitable, Callable, Sequence

from parkops_contracts.events.kpi import KpiTargetMissed, KpiTermsChanged, OperatorBonusEarned
from parkops_runtime.consumer import BatchHandler, Delivery

OWN = (KpiTermsChanged, OperatorBonusEarned, KpiTargetMissed)
"""What kpi consumes of its own publications."""


class OwnAndFactsHandler:
    """A batch of the service's consumer group: each of kpi's own events folded (in the order consumed,
    a park's in the order recorded: the park is the key), the rest to `facts`."""

    def __init__(
        self,
        facts: BatchHandler,
        fold_terms: Callable[[KpiTermsChanged], Awaitable[None]],
        fold_assessment: Callable[[OperatorBonusEarned | KpiTargetMissed], Awaitable[None]],
    ) -> None:
        self._facts, self._fold_terms, self._fold_assessment = facts, fold_terms, fold_assessment

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        facts = [d for d in deliveries if not isinstance(d.event, OWN)]
        if facts:
            await self._facts(facts)
        for delivery in deliveries:
            event = delivery.event
            if isinstance(event, KpiTermsChanged):
                await self._fold_terms(event)
            elif isinstance(event, OperatorBonusEarned | KpiTargetMissed):
                await self._fold_assessment(event)
