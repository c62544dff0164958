"""Payments (oldest open invoice first, over-payment carried forward as credit), credit notes and
cancellations. Postings: payment Dr cash / Cr receivables (+ Cr customer credit for the excess);
credit note Dr revenue / Cr receivables for the unpaid part, Cr customer credit for the paid part."""

from dataclasses import replace
from datetime import date

from parkops_contracts.events.finance import (
    Allocation,
    CreditNoteIssued,
    InvoiceCancelled,
    PaymentReceived,
)
from parkops_kernel.errors import Conflict, Unprocessable
from parkops_kernel.money import ZERO

from finance.domain.books import ParkBooks
from finance.domain.commands import CreditNote, ReceivePayment
from finance.domain.ledger import Account, revenue_account
from finance.domain.receivables import Invoice, InvoiceStatus, allocate, oldest_first


def receive_payment(books: ParkBooks, payment: ReceivePayment, cause: str) -> None:
    """Dr cash; Cr receivables oldest open invoice first (the named one before); rest is credit."""
    if cause in books.applied:
        return
    payer_id, amount, on = payment.payer_id, payment.amount, payment.on
    first = books.invoice(payment.invoice_id) if payment.invoice_id else None
    if first is not None:
        if first.status is InvoiceStatus.CANCELLED:
            raise Conflict(f"invoice {first.invoice_id} is cancelled")
        if payer_id not in (None, first.payer_id):
            raise Unprocessable(f"invoice {first.invoice_id} is not billed to {payer_id}")
        payer_id = first.payer_id
    if payer_id is None:
        raise Unprocessable("a payment names an invoice or a payer")
    books.first_time(cause)
    allocations, left = allocate(oldest_first(books.invoices.values(), payer_id), amount, first)
    if left > ZERO:
        books.credits[payer_id] = books.credits.get(payer_id, ZERO) + left
    # An invoice issued after the payment's date is settled on its issue date: until then the payment
    # is the payer's credit (so receivables as of any date count only what happened by then).
    later = [(i, share) for i, share in allocations if i.issued_on > on]
    prepaid = sum((share for _, share in later), ZERO)
    books.post(
        on,
        cause,
        f"payment {payment.payment_id} from {payer_id}",
        (Account.CASH, amount),
        (Account.RECEIVABLES, -(amount - left - prepaid)),
        (Account.CUSTOMER_CREDIT, -(left + prepaid)),
        source=payment.payment_id,
    )
    for invoice, share in allocations:
        invoice.settle(share, max(on, invoice.issued_on))
    for invoice, share in later:
        memo = f"payment {payment.payment_id} (received {on}) settles {invoice.invoice_id} when issued"
        entries = (Account.CUSTOMER_CREDIT, share), (Account.RECEIVABLES, -share)
        books.post(invoice.issued_on, cause, memo, *entries, source=payment.payment_id)
    shares = [Allocation(invoice_id=i.invoice_id, amount=a) for i, a in allocations]
    books.announce(
        PaymentReceived, cause, payment, payer_id=payer_id, received_on=on, credited=left, allocations=shares
    )


def credit_note(books: ParkBooks, invoice: Invoice, note: CreditNote, cause: str) -> str:
    """Credit part or all of an invoice (CreditNoteIssued); its revenue is reversed (`_reverse`).
    Returns the credit note's id."""
    books.credit_notes += 1
    note_id = f"CN-{books.credit_notes:06d}"
    note = effective(note, invoice)
    books.announce(
        CreditNoteIssued,
        cause,
        invoice,
        credit_note_id=note_id,
        amount=note.by,
        issued_on=note.on,
        reason=note.memo,
    )
    _reverse(books, invoice, note, note_id, cause)
    return note_id


def effective(note: CreditNote, invoice: Invoice) -> CreditNote:
    """A credit note or cancellation takes effect no earlier than the invoice's issue date."""
    return replace(note, on=max(note.on, invoice.issued_on))


def _reverse(books: ParkBooks, invoice: Invoice, note: CreditNote, source: str, cause: str) -> None:
    """Take `note.by` off an invoice: Dr deferred revenue (what is not recognised yet) and revenue (the
    rest: a negative RevenueRecognized naming `source`); Cr receivables for what is unpaid, Cr customer
    credit for what was paid."""
    by, on, memo = note.by, note.on, note.memo
    deferral = books.deferrals.get(invoice.invoice_id)
    unearned = min(by, deferral.remaining) if deferral else ZERO
    if deferral:
        deferral.total -= unearned
    unpaid = min(by, invoice.outstanding)
    refund = by - unpaid
    invoice.amount -= by
    invoice.paid -= refund
    invoice.moved(on, -unpaid)
    books.credits[invoice.payer_id] = books.credits.get(invoice.payer_id, ZERO) + refund
    if invoice.amount == ZERO:
        invoice.status = InvoiceStatus.CANCELLED
    elif invoice.paid == invoice.amount:
        invoice.status = InvoiceStatus.PAID
    books.post(
        on,
        cause,
        memo,
        (Account.DEFERRED_REVENUE, unearned),
        (revenue_account(invoice.stream), by - unearned),
        (Account.RECEIVABLES, -unpaid),
        (Account.CUSTOMER_CREDIT, -refund),
        source=source,
    )


def cancel_invoice(books: ParkBooks, invoice_id: str, on: date, cause: str) -> Invoice:
    """Cancel what is left of an invoice (InvoiceCancelled): no longer owed, its revenue reversed on
    `on` (what was paid of it becomes the payer's credit)."""
    invoice = books.invoice(invoice_id)
    if invoice.status is InvoiceStatus.CANCELLED:
        if cause in books.applied:
            return invoice
        raise Conflict(f"invoice {invoice_id} is already cancelled")
    if books.first_time(cause):
        note = effective(CreditNote(invoice.amount, on, f"invoice {invoice_id} cancelled"), invoice)
        books.announce(InvoiceCancelled, cause, invoice, cancelled_on=note.on)
        _reverse(books, invoice, note, invoice_id, cause)
    return invoice
