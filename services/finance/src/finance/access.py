"""What each role sees and may do in finance. Which park a request reaches (and the 404 for any other)
is decided by `parkops_runtime.access`; this module says what a role sees *inside* a park it reaches.

| resource | group_admin, park_operator | auditor | tenant_user |
| --- | --- | --- | --- |
| invoices (list, one) | all | all | those billed to its tenant; another payer's invoice: 404 |
| fee catalogue | read, change | read | read (the prices it is charged) |
| ledger, revenue mix, receivables aging, billing schedules | read | read | 403: park-wide figures |
| commands (invoices, payments, fees, deals, subsidies, costs, stakes, billing runs) | yes | 403 | 403 |
"""

from collections.abc import Iterable

from parkops_runtime.access import ParkAccess

from finance.domain.books import ParkBooks
from finance.domain.receivables import Invoice


def _payer(invoice: Invoice) -> str:
    return invoice.payer_id


def visible_invoices(access: ParkAccess, invoices: Iterable[Invoice]) -> list[Invoice]:
    """A tenant user sees the invoices billed to its tenant; staff and auditors see all."""
    return access.visible(invoices, _payer)


def visible_invoice(access: ParkAccess, books: ParkBooks, invoice_id: str) -> Invoice:
    """One invoice; another payer's is 404 for a tenant user, exactly as a missing one."""
    return access.own(books.invoice(invoice_id), _payer, f"invoice {invoice_id}")
