"""The park's capital: operating costs, subsidies received, equity stakes in tenants and their exits."""

from fastapi import APIRouter, status
from parkops_runtime.access import StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.schemas import CashEntryCreate, CommandResult, ObjectId, StakeCreate, StakeExit
from finance.service import FinanceService

CREATED = status.HTTP_201_CREATED


def router(finance: FinanceService) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/subsidies-received", status_code=CREATED)
    async def subsidy_received(
        body: CashEntryCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.record_subsidy_received(access, body, key)

    @api.post("/operating-costs", status_code=CREATED)
    async def operating_cost(
        body: CashEntryCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.record_operating_cost(access, body, key)

    @api.post("/equity-stakes", status_code=CREATED)
    async def invest(body: StakeCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.acquire_stake(access, body, key)

    @api.post("/equity-stakes/{stake_id}/exit")
    async def exit_(
        stake_id: ObjectId, body: StakeExit, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.exit_stake(access, stake_id, body, key)

    return api
