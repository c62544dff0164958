"""Billing from lease events: schedules, the billing run of a period, termination credit notes."""

from collections.abc import Iterable
from datetime import date

from parkops_contracts.events.finance import InvoiceOverdue

from finance.domain.billing import LeaseSchedule, ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.commands import Charge, CreditNote
from finance.domain.investments import earn_rent_in_kind, earn_rest_in_kind
from finance.domain.ledger import Account, Stream, revenue_account
from finance.domain.payments import credit_note
from finance.domain.receivables import Invoice, days_past_due, dunning_tier


def schedule_lease(
    books: ParkBooks, lease_id: str, tenant_id: str, lines: Iterable[ScheduleLine], cause: str
) -> None:
    """LeaseSigned / LeaseRenewed: keep the lease's month-by-month rent (rent-free months included)."""
    if books.first_time(cause) and lease_id not in books.schedules:
        books.schedules[lease_id] = LeaseSchedule(
            lease_id=lease_id, tenant_id=tenant_id, lines=list(lines), cause=cause
        )


def recognize_deferred(books: ParkBooks, period: str, cause: str) -> None:
    """Recognise the months of fees billed in advance up to `period`: Dr deferred / Cr revenue."""
    for deferral in books.deferrals.values():
        for month_start, amount in deferral.due_through(period):
            deferral.months_recognized += 1
            deferral.recognized += amount
            memo = f"{month_start:%Y-%m} of invoice {deferral.invoice_id} recognised"
            books.post(
                month_start,
                cause,
                memo,
                (Account.DEFERRED_REVENUE, amount),
                (revenue_account(deferral.stream), -amount),
                source=deferral.invoice_id,
            )


def run_billing(
    books: ParkBooks, period: str, cause: str, leases: Iterable[str] | None = None
) -> list[Invoice]:
    """Issue the rent invoices of lease months starting in `period` (YYYY-MM) not billed before, and
    recognise the deferred revenue due through the period and the rent waived for equity of the lease
    months it reaches. With `leases`, only those leases' months (a slice of a billing run: the deferred
    revenue is recognised by `recognize_deferred` once, not by each slice)."""
    if leases is None:
        recognize_deferred(books, period, cause)
    chosen = books.schedules.values() if leases is None else (books.schedules[i] for i in leases)
    issued = []
    for schedule in chosen:
        for line, rent in schedule.due_in(period):
            schedule.billed[line.month] = rent
            if rent > 0:
                what = (
                    f"rent of lease {schedule.lease_id}, month {line.month} "
                    f"({line.starts_on}-{line.ends_on}), scheduled by {schedule.cause}"
                )
                charge = Charge(
                    schedule.tenant_id,
                    Stream.RENT,
                    rent,
                    line.starts_on,
                    what,
                    invoice_id=f"{schedule.lease_id}-m{line.month}",
                    lease_id=schedule.lease_id,
                )
                issued.append(books.issue_invoice(charge, cause))
        earn_rent_in_kind(books, schedule.lease_id, cause)
    return issued


def terminate_lease(books: ParkBooks, lease_id: str, terminated_on: date, on: date, cause: str) -> None:
    """Stop billing after `terminated_on`; credit what was billed beyond it (prorating its month), each
    by a credit note dated `on`; the rent waived for equity not earned yet is earned on its last day."""
    schedule = books.schedules.get(lease_id)
    if schedule is None or not books.first_time(cause):
        return
    for month, excess in schedule.overbilled_after(terminated_on):
        invoice = books.invoice(f"{lease_id}-m{month}")
        credit = min(excess, invoice.amount)  # a cancelled month has nothing left to credit
        schedule.billed[month] -= credit
        if credit > 0:
            memo = f"lease {lease_id} terminated {terminated_on}: credit note on month {month}"
            credit_note(books, invoice, CreditNote(credit, on, memo), cause)
    earn_rest_in_kind(books, lease_id, terminated_on, cause)


def run_dunning(books: ParkBooks, as_of: date, cause: str) -> list[InvoiceOverdue]:
    """Each open invoice past due gets `InvoiceOverdue` once per dunning tier it reaches."""
    notices = []
    for invoice in books.invoices.values():
        tier = dunning_tier(invoice, as_of)
        if tier is None or tier in invoice.dunned:
            continue
        invoice.dunned.append(tier)
        notice = InvoiceOverdue(
            **books.ids(),
            cause=cause,
            invoice_id=invoice.invoice_id,
            payer_id=invoice.payer_id,
            tier=tier.value,
            days_past_due=days_past_due(invoice, as_of),
            outstanding=invoice.outstanding,
            as_of=as_of,
        )
        books.record(notice)
        notices.append(notice)
    return notices
