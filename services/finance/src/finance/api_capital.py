"""HTTP commands on the park's capital: operating costs, subsidies received, equity stakes and exits."""

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal

from finance.commands import Commands, IdempotencyKey, cause_of, new_id
from finance.domain.equity import StakeOrigin
from finance.domain.investments import acquire_stake, exit_stake
from finance.domain.operations import record_operating_cost, record_subsidy_received
from finance.schemas import CashEntryCreate, CommandResult, StakeCreate, StakeExit

CREATED = status.HTTP_201_CREATED


def build_capital_router(commands: Commands) -> APIRouter:
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    run, today = commands.run, commands.today

    @router.post("/subsidies-received", status_code=CREATED)
    async def subsidy_received(
        park_id: str, body: CashEntryCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(
            who, park_id, c, lambda b: record_subsidy_received(b, body.amount, body.description, on, c)
        )

    @router.post("/operating-costs", status_code=CREATED)
    async def operating_cost(
        park_id: str, body: CashEntryCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(
            who, park_id, c, lambda b: record_operating_cost(b, body.amount, body.description, on, c)
        )

    @router.post("/equity-stakes", status_code=CREATED)
    async def invest(
        park_id: str, body: StakeCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, sid = cause_of(key), body.on or today(), body.stake_id or new_id()
        return await run(
            who,
            park_id,
            c,
            lambda b: acquire_stake(
                b, sid, body.tenant_id, body.percent, body.amount, StakeOrigin.PARK_FUND, on, c
            ),
        )

    @router.post("/equity-stakes/{stake_id}/exit")
    async def exit_(
        park_id: str, stake_id: str, body: StakeExit, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(who, park_id, c, lambda b: exit_stake(b, stake_id, body.amount, on, c))

    return router
