"""The monthly billing run (rent of the lease schedules, deferred revenue recognised), the dunning run,
and the billing schedule of a lease.

A billing run answers when it is done (one change of the park's books). Sent with
`Prefer: respond-async` (RFC 7240) it answers 202 at once with the run as a job, one per park and
period (started twice: one run), billed in slices in the background (`finance.billing_runs`); its
progress is read at `/billing-runs/{period}` from any replica."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response, status
from parkops_runtime.access import FiguresScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.billing_runs import BillingRuns
from finance.queries import FinanceQueries
from finance.schemas import (
    PERIOD,
    BillingRunCreate,
    BillingRunPublic,
    CommandResult,
    DunningRunCreate,
    LeaseSchedule,
    ObjectId,
)
from finance.service import FinanceService

ASYNC: dict[int | str, dict[str, Any]] = {
    202: {"model": BillingRunPublic, "description": "Prefer: respond-async: the run, started or joined"}
}
Period = Annotated[str, Path(pattern=PERIOD)]


def router(finance: FinanceService, queries: FinanceQueries, runs: BillingRuns) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/billing-runs", responses=ASYNC)
    async def bill(
        body: BillingRunCreate,
        access: StaffScope,
        response: Response,
        key: IdempotencyKey = None,
        prefer: Annotated[str | None, Header(description="respond-async: answer 202 with the run")] = None,
    ) -> CommandResult | BillingRunPublic:
        if prefer is None or "respond-async" not in prefer:
            return await finance.run_billing(access, body, key)
        response.status_code = status.HTTP_202_ACCEPTED
        response.headers["Location"] = f"/parks/{access.park_id}/billing-runs/{body.period}"
        response.headers["Preference-Applied"] = "respond-async"
        return await runs.start(access, body.period)

    @api.get("/billing-runs/{period}")
    async def billing_run(period: Period, access: FiguresScope) -> BillingRunPublic:
        return await runs.get(access, period)

    @api.post("/dunning-runs")
    async def dun(body: DunningRunCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.run_dunning(access, body, key)

    @api.get("/billing-schedules/{lease_id}")
    async def schedule(lease_id: ObjectId, access: FiguresScope) -> LeaseSchedule:
        return await queries.schedule(access, lease_id)

    return api
