"""HTTP commands of the finance service, scoped by park through the caller's token."""

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal

from finance.commands import Commands, IdempotencyKey, cause_of, new_id
from finance.domain.charges import charge_amount, charge_fee, close_funding, grant_subsidy
from finance.domain.lease_billing import run_billing, run_dunning
from finance.domain.payments import cancel_invoice, receive_payment
from finance.schemas import (
    BillingRunCreate,
    CommandResult,
    DunningRunCreate,
    FeeCharge,
    FundingDealCreate,
    InvoiceCreate,
    PaymentCreate,
    SubsidyCreate,
)

CREATED = status.HTTP_201_CREATED


def build_router(commands: Commands) -> APIRouter:
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    run, today = commands.run, commands.today

    @router.post("/invoices", status_code=CREATED)
    async def issue_invoice(
        park_id: str, body: InvoiceCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(
            who,
            park_id,
            c,
            lambda b: charge_amount(b, body.payer_id, body.stream, body.amount, on, c, body.description),
        )

    @router.post("/invoices/{invoice_id}/cancel")
    async def cancel(
        park_id: str, invoice_id: str, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c = cause_of(key)
        return await run(who, park_id, c, lambda b: cancel_invoice(b, invoice_id, today(), c))

    @router.post("/payments", status_code=CREATED)
    async def pay(
        park_id: str, body: PaymentCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, pid = cause_of(key), body.on or today(), body.payment_id or new_id()
        return await run(
            who,
            park_id,
            c,
            lambda b: receive_payment(b, pid, body.payer_id, body.amount, body.invoice_id, on, c),
        )

    @router.post("/fees", status_code=CREATED)
    async def charge(
        park_id: str, body: FeeCharge, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on = cause_of(key), body.on or today()
        return await run(
            who,
            park_id,
            c,
            lambda b: charge_fee(b, body.payer_id, body.kind, body.quantity, body.size, on, c),
        )

    @router.post("/financing-deals", status_code=CREATED)
    async def close_deal(
        park_id: str, body: FundingDealCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, deal = cause_of(key), body.on or today(), body.deal_id or new_id()
        return await run(
            who,
            park_id,
            c,
            lambda b: close_funding(
                b,
                deal,
                body.tenant_id,
                body.institution,
                body.instrument,
                body.amount,
                body.payer_id,
                body.rate_percent,
                on,
                c,
            ),
        )

    @router.post("/subsidies", status_code=CREATED)
    async def subsidy_granted(
        park_id: str, body: SubsidyCreate, who: CurrentPrincipal, key: IdempotencyKey = None
    ) -> CommandResult:
        c, on, sid = cause_of(key), body.on or today(), body.subsidy_id or new_id()
        return await run(
            who, park_id, c, lambda b: grant_subsidy(b, sid, body.tenant_id, body.policy, body.amount, on, c)
        )

    @router.post("/billing-runs")
    async def bill(park_id: str, body: BillingRunCreate, who: CurrentPrincipal) -> CommandResult:
        c = cause_of(None)
        return await run(who, park_id, c, lambda b: run_billing(b, body.period, c))

    @router.post("/dunning-runs")
    async def dun(park_id: str, body: DunningRunCreate, who: CurrentPrincipal) -> CommandResult:
        c = cause_of(None)
        return await run(who, park_id, c, lambda b: run_dunning(b, body.as_of, c))

    return router
