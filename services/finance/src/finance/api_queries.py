"""HTTP reads of the finance service and the fee catalogue. Who sees what: `finance.access`."""

from typing import Annotated

from fastapi import APIRouter, Query
from parkops_kernel.bounds import BusinessDate
from parkops_kernel.errors import NotFound
from parkops_runtime.access import FiguresScope, ParkScope, StaffScope

from finance.access import visible_invoice, visible_invoices
from finance.commands import Commands
from finance.domain.billing import LeaseSchedule
from finance.domain.books import ParkBooks
from finance.domain.fees import FeeCatalogue
from finance.domain.money import ZERO
from finance.domain.payers import PayerId
from finance.domain.receivables import Invoice, InvoiceStatus, aging
from finance.domain.reports import RevenueReport, revenue_report
from finance.schemas import YEAR_OR_MONTH, AgingPublic, InvoicesPublic, LedgerPublic, ObjectId


def build_query_router(commands: Commands) -> APIRouter:
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    finance = commands.finance

    @router.get("/invoices")
    async def invoices(
        access: ParkScope, payer_id: PayerId | None = None, status: InvoiceStatus | None = None
    ) -> InvoicesPublic:
        found = visible_invoices(access, (await finance.read(access.park)).invoices.values())
        return InvoicesPublic(
            invoices=[i for i in found if payer_id in (None, i.payer_id) and status in (None, i.status)]
        )

    @router.get("/invoices/{invoice_id}")
    async def invoice(invoice_id: ObjectId, access: ParkScope) -> Invoice:
        return visible_invoice(access, await finance.read(access.park), invoice_id)

    @router.get("/billing-schedules/{lease_id}")
    async def schedule(lease_id: ObjectId, access: FiguresScope) -> LeaseSchedule:
        found = (await finance.read(access.park)).schedules.get(lease_id)
        if found is None:
            raise NotFound(f"billing schedule of lease {lease_id} not found")
        return found

    @router.get("/receivables/aging")
    async def receivables_aging(access: FiguresScope, as_of: BusinessDate | None = None) -> AgingPublic:
        day = as_of or commands.today()
        buckets = aging((await finance.read(access.park)).invoices.values(), day)
        return AgingPublic(as_of=day, buckets=buckets, outstanding=sum(buckets.values(), ZERO))

    @router.get("/ledger")
    async def ledger(
        access: FiguresScope, period: Annotated[str, Query(pattern=f"{YEAR_OR_MONTH}|^$")] = ""
    ) -> LedgerPublic:
        books = await finance.read(access.park)
        entries = [e for e in books.ledger.entries if e.period.startswith(period)]
        balances = {a.value: v for a, v in books.ledger.balances(period).items()}
        return LedgerPublic(trial_balance=books.ledger.trial_balance(), balances=balances, entries=entries)

    @router.get("/reports/revenue")
    async def revenue(
        access: FiguresScope, period: Annotated[str, Query(pattern=YEAR_OR_MONTH)]
    ) -> RevenueReport:
        return revenue_report((await finance.read(access.park)).ledger, period)

    return router


def build_catalogue_router(commands: Commands) -> APIRouter:
    """The park's fee catalogue: what its services cost, within the bounds the business allows."""
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    finance = commands.finance

    @router.get("/fee-catalogue")
    async def get_catalogue(access: ParkScope) -> FeeCatalogue:
        return (await finance.read(access.park)).catalogue

    @router.put("/fee-catalogue")
    async def set_catalogue(body: FeeCatalogue, access: StaffScope) -> FeeCatalogue:
        def change(books: ParkBooks) -> FeeCatalogue:
            books.catalogue = body
            return body

        return await finance.write(access.park, change)

    return router
