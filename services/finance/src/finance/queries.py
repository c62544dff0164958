"""The reads of the finance service: a park's books as the caller may see them (`finance.access`)."""

from datetime import date

from parkops_kernel.errors import NotFound
from parkops_kernel.money import ZERO
from parkops_runtime.access import ParkAccess

from finance.access import visible_invoice, visible_invoices
from finance.domain.receivables import InvoiceStatus, aging
from finance.domain.reports import revenue_report
from finance.schemas import (
    AgingPublic,
    Entry,
    FeeCatalogue,
    Invoice,
    InvoicesPublic,
    LeaseSchedule,
    LedgerPublic,
    RevenueReport,
)
from finance.service import FinanceService


class FinanceQueries:
    def __init__(self, finance: FinanceService) -> None:
        self.finance = finance

    async def invoices(
        self, access: ParkAccess, payer_id: str | None, status: InvoiceStatus | None
    ) -> InvoicesPublic:
        found = visible_invoices(access, (await self.finance.read(access.park)).invoices.values())
        kept = [i for i in found if payer_id in (None, i.payer_id) and status in (None, i.status)]
        return InvoicesPublic(invoices=[Invoice.model_validate(i) for i in kept])

    async def invoice(self, access: ParkAccess, invoice_id: str) -> Invoice:
        return Invoice.model_validate(
            visible_invoice(access, await self.finance.read(access.park), invoice_id)
        )

    async def schedule(self, access: ParkAccess, lease_id: str) -> LeaseSchedule:
        found = (await self.finance.read(access.park)).schedules.get(lease_id)
        if found is None:
            raise NotFound(f"billing schedule of lease {lease_id} not found")
        return LeaseSchedule.model_validate(found)

    async def aging(self, access: ParkAccess, as_of: date | None) -> AgingPublic:
        day = as_of or self.finance.today()
        buckets = aging((await self.finance.read(access.park)).invoices.values(), day)
        return AgingPublic(as_of=day, buckets=buckets, outstanding=sum(buckets.values(), ZERO))

    async def ledger(self, access: ParkAccess, period: str) -> LedgerPublic:
        books = await self.finance.read(access.park)
        entries = [Entry.model_validate(e) for e in books.ledger.entries if e.period.startswith(period)]
        balances = {a.value: v for a, v in books.ledger.balances(period).items()}
        return LedgerPublic(trial_balance=books.ledger.trial_balance(), balances=balances, entries=entries)

    async def revenue(self, access: ParkAccess, period: str) -> RevenueReport:
        report = revenue_report((await self.finance.read(access.park)).ledger, period)
        return RevenueReport.model_validate(report)

    async def catalogue(self, access: ParkAccess) -> FeeCatalogue:
        return FeeCatalogue.model_validate((await self.finance.read(access.park)).catalogue)
