"""HTTP routes of the leasing service, one module per resource: parse, authorise (`leasing.access`),
call the service or the queries, answer. No business rule and no domain type here."""

from fastapi import APIRouter

from leasing.api import leases, parks, pricing, reports, tenants, units
from leasing.queries import LeasingQueries
from leasing.service import LeasingService


def build_routers(leasing: LeasingService, queries: LeasingQueries) -> list[APIRouter]:
    return [
        module.build_router(leasing, queries) for module in (parks, units, tenants, pricing, leases, reports)
    ]
