"""HTTP reads of the finance service and the fee catalogue. Tenant users see only their own invoices."""

from datetime import date

from fastapi import APIRouter
from parkops_runtime.auth import CurrentPrincipal, Principal, Role
from parkops_runtime.errors import NotFound

from finance.commands import Commands
from finance.domain.billing import LeaseSchedule
from finance.domain.books import ParkBooks
from finance.domain.fees import FeeCatalogue
from finance.domain.money import ZERO
from finance.domain.receivables import Invoice, InvoiceStatus, aging
from finance.domain.reports import RevenueReport, revenue_report
from finance.schemas import AgingPublic, InvoicesPublic, LedgerPublic

BOOKKEEPERS = (Role.GROUP_ADMIN, Role.PARK_OPERATOR, Role.AUDITOR)


def visible(who: Principal, books: ParkBooks) -> list[Invoice]:
    invoices = list(books.invoices.values())
    if who.role is Role.TENANT_USER:
        return [i for i in invoices if i.payer_id == who.tenant_id]
    return invoices


def build_query_router(commands: Commands) -> APIRouter:
    router = APIRouter(prefix="/parks/{park_id}", tags=["finance"])
    finance = commands.finance

    @router.get("/fee-catalogue")
    async def get_catalogue(park_id: str, who: CurrentPrincipal) -> FeeCatalogue:
        return (await finance.read(who, park_id)).catalogue

    @router.put("/fee-catalogue")
    async def set_catalogue(park_id: str, body: FeeCatalogue, who: CurrentPrincipal) -> FeeCatalogue:
        def change(books: ParkBooks) -> FeeCatalogue:
            books.catalogue = body
            return body

        return await finance.write(who, park_id, change)

    @router.get("/invoices")
    async def invoices(
        park_id: str, who: CurrentPrincipal, payer_id: str | None = None, status: InvoiceStatus | None = None
    ) -> InvoicesPublic:
        found = visible(who, await finance.read(who, park_id))
        return InvoicesPublic(
            invoices=[i for i in found if payer_id in (None, i.payer_id) and status in (None, i.status)]
        )

    @router.get("/invoices/{invoice_id}")
    async def invoice(park_id: str, invoice_id: str, who: CurrentPrincipal) -> Invoice:
        books = await finance.read(who, park_id)
        found = books.invoice(invoice_id)
        if found not in visible(who, books):
            books.invoice("")  # 404, as if it did not exist
        return found

    @router.get("/billing-schedules/{lease_id}")
    async def schedule(park_id: str, lease_id: str, who: CurrentPrincipal) -> LeaseSchedule:
        who.require_role(*BOOKKEEPERS)
        found = (await finance.read(who, park_id)).schedules.get(lease_id)
        if found is None:
            raise NotFound(f"billing schedule of lease {lease_id} not found")
        return found

    @router.get("/receivables/aging")
    async def receivables_aging(
        park_id: str, who: CurrentPrincipal, as_of: date | None = None
    ) -> AgingPublic:
        who.require_role(*BOOKKEEPERS)
        day = as_of or commands.today()
        buckets = aging((await finance.read(who, park_id)).invoices.values(), day)
        return AgingPublic(as_of=day, buckets=buckets, outstanding=sum(buckets.values(), ZERO))

    @router.get("/ledger")
    async def ledger(park_id: str, who: CurrentPrincipal, period: str = "") -> LedgerPublic:
        who.require_role(*BOOKKEEPERS)
        books = await finance.read(who, park_id)
        entries = [e for e in books.ledger.entries if e.period.startswith(period)]
        balances = {a.value: v for a, v in books.ledger.balances(period).items()}
        return LedgerPublic(trial_balance=books.ledger.trial_balance(), balances=balances, entries=entries)

    @router.get("/reports/revenue")
    async def revenue(park_id: str, period: str, who: CurrentPrincipal) -> RevenueReport:
        who.require_role(*BOOKKEEPERS)
        return revenue_report((await finance.read(who, park_id)).ledger, period)

    return router
