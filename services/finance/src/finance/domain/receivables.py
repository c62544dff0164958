"""Invoices, payment allocation (oldest open first), AR aging and dunning tiers: pure rules."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_kernel.money import ZERO, Cents
from pydantic import BaseModel, Field

from finance.domain.ledger import Stream


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


class DunningTier(StrEnum):
    REMINDER = "reminder"  # 1-30 days past due
    ESCALATION = "escalation"  # 31-60 days past due
    FINAL_NOTICE = "final_notice"  # more than 60 days past due


AGING_BUCKETS = ("0-30", "31-60", "61-90", "90+")


class Movement(BaseModel):
    """A change of what an invoice leaves owed, on its business date: + its amount when issued, - a
    payment's or credit's share, - the unpaid part a credit note or cancellation takes off."""

    on: date
    change: Cents


class Invoice(BaseModel):
    invoice_id: str
    payer_id: str
    stream: Stream
    description: str
    amount: Cents
    paid: Cents = ZERO
    issued_on: date
    due_on: date
    status: InvoiceStatus = InvoiceStatus.OPEN
    cause: str = Field(description="The CloudEvents id or API request that issued it.")
    lease_id: str | None = None
    dunned: list[DunningTier] = Field(default_factory=list)
    movements: list[Movement] = Field(
        default_factory=list, description="What it leaves owed, by business date (sums to outstanding)."
    )

    @property
    def outstanding(self) -> Decimal:
        return ZERO if self.status is InvoiceStatus.CANCELLED else self.amount - self.paid

    def moved(self, on: date, change: Decimal) -> None:
        if change != ZERO:
            self.movements.append(Movement(on=on, change=change))

    def outstanding_on(self, day: date) -> Decimal:
        """What the invoice left owed at the end of `day`: only what happened by then counts (a payment,
        credit note or cancellation dated later does not reduce it; an invoice issued later is not owed).
        Books stored before movements were kept answer their current outstanding from the issue date."""
        if not self.movements:
            return self.outstanding if self.issued_on <= day else ZERO
        return sum((m.change for m in self.movements if m.on <= day), ZERO)

    def settle(self, amount: Decimal, on: date) -> None:
        self.paid += amount
        self.moved(on, -amount)
        if self.paid == self.amount:
            self.status = InvoiceStatus.PAID


def oldest_first(invoices: Iterable[Invoice], payer_id: str) -> list[Invoice]:
    """The payer's open invoices, oldest issue date first (then by id, so the order is total)."""
    open_ones = [i for i in invoices if i.payer_id == payer_id and i.outstanding > ZERO]
    return sorted(open_ones, key=lambda i: (i.issued_on, i.invoice_id))


def allocate(
    candidates: list[Invoice], amount: Decimal, first: Invoice | None = None
) -> tuple[list[tuple[Invoice, Decimal]], Decimal]:
    """Spread `amount` over `first` (the invoice a payment names), then `candidates` in order.

    Returns the (invoice, amount) allocations and what is left over (credit carried forward)."""
    order = ([first] if first else []) + [i for i in candidates if i is not first]
    allocations: list[tuple[Invoice, Decimal]] = []
    left = amount
    for invoice in order:
        if left == ZERO:
            break
        share = min(left, invoice.outstanding)
        if share > ZERO:
            allocations.append((invoice, share))
            left -= share
    return allocations, left


def days_past_due(invoice: Invoice, as_of: date) -> int:
    return max((as_of - invoice.due_on).days, 0)


def aging_bucket(invoice: Invoice, as_of: date) -> str:
    """0-30 / 31-60 / 61-90 / 90+ days past the due date (not yet due counts as 0-30)."""
    days = days_past_due(invoice, as_of)
    if days <= 30:
        return AGING_BUCKETS[0]
    if days <= 60:
        return AGING_BUCKETS[1]
    return AGING_BUCKETS[2] if days <= 90 else AGING_BUCKETS[3]


def aging(invoices: Iterable[Invoice], as_of: date) -> dict[str, Decimal]:
    """Receivables as of a date, by days past due then: what each invoice left owed at the end of
    `as_of` (`Invoice.outstanding_on`)."""
    buckets = dict.fromkeys(AGING_BUCKETS, ZERO)
    for invoice in invoices:
        owed = invoice.outstanding_on(as_of)
        if owed > ZERO:
            buckets[aging_bucket(invoice, as_of)] += owed
    return buckets


def dunning_tier(invoice: Invoice, as_of: date) -> DunningTier | None:
    """The tier an open invoice has reached, or None while it is not past due."""
    days = days_past_due(invoice, as_of)
    if invoice.outstanding == ZERO or days == 0:
        return None
    if days <= 30:
        return DunningTier.REMINDER
    return DunningTier.ESCALATION if days <= 60 else DunningTier.FINAL_NOTICE
