"""Kafka subscribers: leasing facts about enterprises -> their matchmaking profiles.

Both effects are idempotent by construction (a profile is created once under the tenant's id; a
retired profile stays retired), so a redelivered event has no second effect without an inbox."""

from collections.abc import Sequence

from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded
from parkops_runtime.consumer import Delivery

from matchmaking.profiles_service import ProfileService


class LeasingEventsHandler:
    def __init__(self, profiles: ProfileService) -> None:
        self._profiles = profiles

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            match delivery.event:
                case TenantOnboarded():
                    await self._profiles.seed(delivery.event)
                case LeaseTerminated():
                    await self._profiles.retire(delivery.event.park_id, delivery.event.tenant_id)
