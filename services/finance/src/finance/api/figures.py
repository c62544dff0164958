"""Park-wide figures for staff and auditors: the ledger, the receivables aging, the revenue report."""

from typing import Annotated

from fastapi import APIRouter, Query
from parkops_kernel.bounds import BusinessDate
from parkops_runtime.access import FiguresScope

from finance.queries import FinanceQueries
from finance.schemas import YEAR_OR_MONTH, AgingPublic, LedgerPublic, RevenueReport


def router(queries: FinanceQueries) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.get("/receivables/aging")
    async def receivables_aging(access: FiguresScope, as_of: BusinessDate | None = None) -> AgingPublic:
        return await queries.aging(access, as_of)

    @api.get("/ledger")
    async def ledger(
        access: FiguresScope, period: Annotated[str, Query(pattern=f"{YEAR_OR_MONTH}|^$")] = ""
    ) -> LedgerPublic:
        return await queries.ledger(access, period)

    @api.get("/reports/revenue")
    async def revenue(
        access: FiguresScope, period: Annotated[str, Query(pattern=YEAR_OR_MONTH)]
    ) -> RevenueReport:
        return await queries.revenue(access, period)

    return api
