"""HTTP commands on the park's capital: operating costs, subsidies received, equity stakes and exits.
Staff of the park only (`StaffScope`); the tenant a stake is in must be a tenant of the park."""

from fastapi import APIRouter, status
from parkops_runtime.access import StaffScope

from finance.commands import Commands, cause_of, new_id
from finance.domain.equity import StakeOrigin
from finance.domain.investments import acquire_stake, exit_stake
from finance.domain.operations import record_operating_cost, record_subsidy_received
from finance.schemas import CashEntryCreate, CommandResult, IdempotencyKey, ObjectId, StakeCreate, StakeExit

CREATED = status.HTTP_201_CREATED


def build_capital_router(commands: Commands) -> APIRouter:
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    run, today = commands.run, commands.today

    @router.post("/subsidies-received", status_code=CREATED)
    async def subsidy_received(
        body: CashEntryCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(
            access, c, lambda b: record_subsidy_received(b, body.amount, body.description, on, c)
        )

    @router.post("/operating-costs", status_code=CREATED)
    async def operating_cost(
        body: CashEntryCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(access, c, lambda b: record_operating_cost(b, body.amount, body.description, on, c))

    @router.post("/equity-stakes", status_code=CREATED)
    async def invest(body: StakeCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        c, on, sid = cause_of(key), body.on or today(), body.stake_id or new_id()
        tenant = await commands.tenant(access, body.tenant_id, "tenant_id")
        return await run(
            access,
            c,
            lambda b: acquire_stake(b, sid, tenant, body.percent, body.amount, StakeOrigin.PARK_FUND, on, c),
        )

    @router.post("/equity-stakes/{stake_id}/exit")
    async def exit_(
        stake_id: ObjectId, body: StakeExit, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(access, c, lambda b: exit_stake(b, stake_id, body.amount, on, c))

    return router
