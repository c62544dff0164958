"""Services the park sells beside rent: financing deals it brokers and subsidies it applies for."""

from fastapi import APIRouter, status
from parkops_runtime.access import StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.schemas import CommandResult, FundingDealCreate, SubsidyCreate
from finance.service import FinanceService


def router(finance: FinanceService) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/financing-deals", status_code=status.HTTP_201_CREATED)
    async def close_deal(
        body: FundingDealCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.close_funding(access, body, key)

    @api.post("/subsidies", status_code=status.HTTP_201_CREATED)
    async def subsidy_granted(
        body: SubsidyCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.grant_subsidy(access, body, key)

    return api
