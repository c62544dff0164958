"""Kafka subscribers of the tickets service: leasing's facts (tenants, leases, units) into the inbox."""

from collections.abc import Sequence

from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded, UnitListed
from parkops_runtime.consumer import Delivery

from tickets.service import TicketService

CONSUMED = (TenantOnboarded, LeaseTerminated, UnitListed)


class LeasingFactsHandler:
    def __init__(self, service: TicketService) -> None:
        self._service = service

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        await self._service.record_leasing_facts(deliveries)
