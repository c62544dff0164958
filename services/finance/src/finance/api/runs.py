"""The monthly billing run (rent of the lease schedules, deferred revenue recognised), the dunning run,
and the billing schedule of a lease."""

from fastapi import APIRouter
from parkops_runtime.access import FiguresScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.queries import FinanceQueries
from finance.schemas import BillingRunCreate, CommandResult, DunningRunCreate, LeaseSchedule, ObjectId
from finance.service import FinanceService


def router(finance: FinanceService, queries: FinanceQueries) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/billing-runs")
    async def bill(body: BillingRunCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.run_billing(access, body, key)

    @api.post("/dunning-runs")
    async def dun(body: DunningRunCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.run_dunning(access, body, key)

    @api.get("/billing-schedules/{lease_id}")
    async def schedule(lease_id: ObjectId, access: FiguresScope) -> LeaseSchedule:
        return await queries.schedule(access, lease_id)

    return api
