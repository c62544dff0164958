"""A park's SLA settings: policies (overrides of the defaults), calendar, auto-close delay."""

from fastapi import APIRouter
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from tickets.queries import TicketQueries
from tickets.schemas import ParkSla, SlaSettings
from tickets.service import TicketService


def router(service: TicketService, queries: TicketQueries) -> APIRouter:
    routes = APIRouter(tags=["tickets"])

    @routes.get("/parks/{park_id}/sla")
    async def get_sla(park: ParkScope) -> ParkSla:
        return await queries.sla(park)

    @routes.put("/parks/{park_id}/sla")
    async def put_sla(park: StaffScope, body: SlaSettings, key: IdempotencyKey = None) -> ParkSla:
        return await service.configure_sla(park, body.command(), key)

    return routes
