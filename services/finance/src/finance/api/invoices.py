"""Invoices: issue one, cancel one (a credit note for all of it), list and read them."""

from fastapi import APIRouter, status
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.queries import FinanceQueries
from finance.schemas import (
    CommandResult,
    Invoice,
    InvoiceCreate,
    InvoicesPublic,
    InvoiceStatus,
    ObjectId,
    PayerId,
)
from finance.service import FinanceService


def router(finance: FinanceService, queries: FinanceQueries) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/invoices", status_code=status.HTTP_201_CREATED)
    async def issue_invoice(
        body: InvoiceCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        return await finance.issue_invoice(access, body, key)

    @api.post("/invoices/{invoice_id}/cancel")
    async def cancel(invoice_id: ObjectId, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.cancel_invoice(access, invoice_id, key)

    @api.get("/invoices")
    async def invoices(
        access: ParkScope, payer_id: PayerId | None = None, status: InvoiceStatus | None = None
    ) -> InvoicesPublic:
        return await queries.invoices(access, payer_id, status)

    @api.get("/invoices/{invoice_id}")
    async def invoice(invoice_id: ObjectId, access: ParkScope) -> Invoice:
        return await queries.invoice(access, invoice_id)

    return api
