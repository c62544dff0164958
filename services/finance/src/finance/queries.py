"""The reads of the finance service: a park's books as the caller may see them (`finance.access`)."""

from datetime import date
from typing import Protocol

from parkops_kernel.errors import NotFound
from parkops_kernel.money import ZERO
from parkops_runtime.access import ParkAccess

from finance.access import visible_invoice, visible_invoices
from finance.domain.ledger import Months
from finance.domain.receivables import InvoiceStatus, aging
from finance.domain.reports import report_of_months, revenue_report
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
from finance.service import FinanceService, owned_by


class Figures(Protocol):
    async def months(self, park_id: str) -> tuple[str, Months] | None: ...


class FinanceQueries:
    def __init__(self, finance: FinanceService, figures: Figures | None = None) -> None:
        self.finance, self.figures = finance, figures

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
        """From the figures stored beside the books (one small read, however long the ledger); from
        the books when there are none (no books yet, or stored before figures were)."""
        stored = await self.figures.months(access.park_id) if self.figures else None
        if stored is None:
            report = revenue_report((await self.finance.read(access.park)).ledger, period)
        else:
            owned_by(stored[0], access.park)
            report = report_of_months(stored[1], period)
        return RevenueReport.model_validate(report)

    async def catalogue(self, access: ParkAccess) -> FeeCatalogue:
        return FeeCatalogue.model_validate((await self.finance.read(access.park)).catalogue)
