"""kpi's own events consumed back into its store: `KpiTermsChanged` into the terms and the published
assessments (`OperatorBonusEarned`, `KpiTargetMissed`) into the assessments, so a kpi rebuilt from the
topics alone (an empty store) has the same terms to change and answers the same assessments. This is the
service's consumer group (once per event, whichever replica): it reads those three topics only. Every
event, these too, is decoded, validated and dead-lettered when malformed by the read side's follower
(`kpi.main`, `kpi.view`)."""

from collections.abc import Awaitable, Callable, Sequence

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import KpiTargetMissed, KpiTermsChanged, OperatorBonusEarned
from parkops_runtime.consumer import Delivery

STORED: tuple[type[Event], ...] = (KpiTermsChanged, OperatorBonusEarned, KpiTargetMissed)
"""kpi's own events the consumer group writes back into the store."""


class OwnEventsHandler:
    """A batch of the service's consumer group: each of kpi's own events folded into the store in the order
    consumed (a park's in the order recorded: the park is the key)."""

    def __init__(
        self,
        fold_terms: Callable[[KpiTermsChanged], Awaitable[None]],
        fold_assessment: Callable[[OperatorBonusEarned | KpiTargetMissed], Awaitable[None]],
    ) -> None:
        self._fold_terms, self._fold_assessment = fold_terms, fold_assessment

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            event = delivery.event
            if isinstance(event, KpiTermsChanged):
                await self._fold_terms(event)
            elif isinstance(event, OperatorBonusEarned | KpiTargetMissed):
                await self._fold_assessment(event)
