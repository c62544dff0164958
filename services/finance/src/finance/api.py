"""HTTP commands of the finance service: staff of the park only (`StaffScope`: out of scope 404, other
roles 403); tenants and payers a command names are checked against the park's directory first."""

from fastapi import APIRouter, status
from parkops_runtime.access import StaffScope

from finance.commands import Commands, cause_of, new_id
from finance.domain.billing import billable_period
from finance.domain.charges import charge_amount, charge_fee, close_funding, grant_subsidy
from finance.domain.lease_billing import run_billing, run_dunning
from finance.domain.payments import cancel_invoice, receive_payment
from finance.schemas import (
    BillingRunCreate,
    CommandResult,
    DunningRunCreate,
    FeeCharge,
    FundingDealCreate,
    IdempotencyKey,
    InvoiceCreate,
    ObjectId,
    PaymentCreate,
    SubsidyCreate,
)

CREATED = status.HTTP_201_CREATED


def build_router(commands: Commands) -> APIRouter:
    """Invoices, payments and fees, and the monthly billing and dunning runs."""
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    run, today = commands.run, commands.today

    @router.post("/invoices", status_code=CREATED)
    async def issue_invoice(
        body: InvoiceCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        payer = await commands.tenant(access, body.payer_id, "payer_id")
        return await run(
            access, c, lambda b: charge_amount(b, payer, body.stream, body.amount, on, c, body.description)
        )

    @router.post("/invoices/{invoice_id}/cancel")
    async def cancel(invoice_id: ObjectId, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        c = cause_of(key)
        return await run(access, c, lambda b: cancel_invoice(b, invoice_id, today(), c))

    @router.post("/payments", status_code=CREATED)
    async def pay(body: PaymentCreate, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        c, on, pid = cause_of(key), body.on or today(), body.payment_id or new_id()
        payer = await commands.payer(access, body.payer_id) if body.payer_id else None
        return await run(
            access, c, lambda b: receive_payment(b, pid, payer, body.amount, body.invoice_id, on, c)
        )

    @router.post("/fees", status_code=CREATED)
    async def charge(body: FeeCharge, access: StaffScope, key: IdempotencyKey = None) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        payer = await commands.tenant(access, body.payer_id, "payer_id")
        return await run(
            access, c, lambda b: charge_fee(b, payer, body.kind, body.quantity, body.size, on, c)
        )

    @router.post("/billing-runs")
    async def bill(body: BillingRunCreate, access: StaffScope) -> CommandResult:
        c, period = cause_of(None), billable_period(body.period, access.park.registered_at.date())
        return await run(access, c, lambda b: run_billing(b, period, c))

    @router.post("/dunning-runs")
    async def dun(body: DunningRunCreate, access: StaffScope) -> CommandResult:
        c = cause_of(None)
        return await run(access, c, lambda b: run_dunning(b, body.as_of, c))

    return router


def build_service_router(commands: Commands) -> APIRouter:
    """Services the park sells beside rent: financing deals it brokers and subsidies it applies for."""
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    run, today = commands.run, commands.today

    @router.post("/financing-deals", status_code=CREATED)
    async def close_deal(
        body: FundingDealCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, deal = cause_of(key), body.on or today(), body.deal_id or new_id()
        tenant = await commands.tenant(access, body.tenant_id, "tenant_id")
        payer = await commands.payer(access, body.payer_id)
        return await run(
            access,
            c,
            lambda b: close_funding(
                b,
                deal,
                tenant,
                body.institution,
                body.instrument,
                body.amount,
                payer,
                body.rate_percent,
                on,
                c,
            ),
        )

    @router.post("/subsidies", status_code=CREATED)
    async def subsidy_granted(
        body: SubsidyCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, sid = cause_of(key), body.on or today(), body.subsidy_id or new_id()
        tenant = await commands.tenant(access, body.tenant_id, "tenant_id")
        return await run(access, c, lambda b: grant_subsidy(b, sid, tenant, body.policy, body.amount, on, c))

    return router
