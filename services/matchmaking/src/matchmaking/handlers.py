"""Kafka subscribers: leasing facts about enterprises -> their matchmaking profiles.

Both effects are idempotent by construction (a profile is created once under the tenant's id; a
retired profile stays retired), so a redelivered event has no second effect without an inbox."""

from collections.abc import Sequence

from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded
from parkops_runtime.consumer import Delivery

from matchmaking.domain.commands import RetireProfile, SeedProfile
from matchmaking.service import MatchmakingService


class LeasingEventsHandler:
    def __init__(self, service: MatchmakingService) -> None:
        self._service = service

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            match delivery.event:
                case TenantOnboarded() as e:
                    await self._service.seed_profile(
                        SeedProfile(e.tenant_id, e.park_id, e.group_id, e.name, e.industry_code)
                    )
                case LeaseTerminated() as e:
                    await self._service.retire_profile(RetireProfile(e.park_id, e.tenant_id))
