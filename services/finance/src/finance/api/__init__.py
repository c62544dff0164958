"""The HTTP API of finance, one module per resource. Commands are for staff of the park (`StaffScope`:
out of scope 404, other roles 403) and take an `Idempotency-Key`; who reads what: `finance.access`."""

from fastapi import APIRouter

from finance.api import capital, fees, figures, funding, invoices, payments, runs
from finance.billing_runs import BillingRuns
from finance.queries import FinanceQueries
from finance.service import FinanceService


def build_routers(
    finance: FinanceService, queries: FinanceQueries, billing_runs: BillingRuns
) -> list[APIRouter]:
    return [
        invoices.router(finance, queries),
        payments.router(finance),
        runs.router(finance, queries, billing_runs),
        funding.router(finance),
        capital.router(finance),
        fees.router(finance, queries),
        figures.router(queries),
    ]
