"""Payments: the named invoice first, then the payer's oldest open ones; the rest is credit."""

from fastapi import APIRouter, status
from parkops_runtime.access import StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from finance.schemas import CommandResult, PaymentCreate
from finance.service import FinanceService


def router(finance: FinanceService) -> APIRouter:
    api = APIRouter(prefix="/parks/{park_id}", tags=["finance"])

    @api.post("/payments", status_code=status.HTTP_201_CREATED)
    async def pay(body: PaymentCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        return await finance.receive_payment(access, body, key)

    return api
