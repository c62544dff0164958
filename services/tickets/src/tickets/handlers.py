"""Kafka subscribers of the tickets service: leasing's facts into the inbox and the tenancy they build."""

from collections.abc import Sequence

from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded, UnitListed
from parkops_runtime.consumer import Delivery

from tickets.tenancy import TenantAccess

CONSUMED = (TenantOnboarded, LeaseTerminated, UnitListed)


class LeasingFactsHandler:
    def __init__(self, tenancy: TenantAccess) -> None:
        self._tenancy = tenancy

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        await self._tenancy.record(deliveries)
