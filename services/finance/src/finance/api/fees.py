"""Fees: the park's catalogue (what its services cost, within the bounds the business allows) and a
catalogue fee charged to a tenant."""

from fastapi import APIRouter, status
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.queries import FinanceQueries
from finance.schemas import CommandResult, FeeCatalogue, FeeCharge
from finance.service import FinanceService


def router(finance: FinanceService, queries: FinanceQueries) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/fees", status_code=status.HTTP_201_CREATED)
    async def charge(body: FeeCharge, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.charge_fee(access, body, key)

    @api.get("/fee-catalogue")
    async def get_catalogue(access: ParkScope) -> FeeCatalogue:
        return await queries.catalogue(access)

    @api.put("/fee-catalogue")
    async def set_catalogue(
        body: FeeCatalogue, access: StaffScope, key: IdempotencyKey = None
    ) -> FeeCatalogue:
        return await finance.set_catalogue(access, body, key)

    return api
