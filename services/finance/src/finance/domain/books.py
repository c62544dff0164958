"""ParkBooks: the finance aggregate of one park (ledger, invoices, credits, schedules, stakes).

Every change names its `cause` (a consumed event's CloudEvents `source#id` or an API request's own id).
A consumed event's cause is applied once: the set of applied causes is part of the same document as the
state it changed, so delivering an event again changes nothing. Recorded events leave through the
outbox."""

from datetime import date, timedelta
from decimal import Decimal

from parkops_contracts.events.finance import (
    CostKind,
    CostRecognized,
    FinanceEvent,
    InvoiceIssued,
    RevenueRecognized,
    SubsidyReceived,
)
from parkops_kernel.errors import NotFound
from parkops_kernel.money import ZERO, Cents
from parkops_kernel.recording import RecordsEvents
from pydantic import Field

from finance.domain.billing import LeaseSchedule
from finance.domain.commands import Charge
from finance.domain.deferrals import Deferral
from finance.domain.equity import RentInKind, Stake
from finance.domain.fees import FeeCatalogue
from finance.domain.ledger import REVENUE_ACCOUNTS, Account, Ledger, Line, entry, revenue_account
from finance.domain.money import within_ceiling
from finance.domain.receivables import Invoice

PAYMENT_TERMS = timedelta(days=15)
# What InvoiceIssued says of an invoice, each under the invoice's own field name.
ISSUED_FIELDS = {
    "cause",
    "invoice_id",
    "payer_id",
    "stream",
    "description",
    "amount",
    "issued_on",
    "due_on",
    "lease_id",
}


class ParkBooks(RecordsEvents[FinanceEvent]):
    park_id: str
    group_id: str
    catalogue: FeeCatalogue = Field(default_factory=FeeCatalogue)
    ledger: Ledger = Field(default_factory=Ledger)
    invoices: dict[str, Invoice] = Field(default_factory=dict)
    credits: dict[str, Cents] = Field(default_factory=dict, description="Payer -> credit carried forward.")
    schedules: dict[str, LeaseSchedule] = Field(default_factory=dict)
    stakes: dict[str, Stake] = Field(default_factory=dict)
    deferrals: dict[str, Deferral] = Field(
        default_factory=dict, description="Invoice -> revenue to recognise."
    )
    rents_in_kind: dict[str, RentInKind] = Field(
        default_factory=dict, description="Lease -> rent waived for equity, earned month by month."
    )
    applied: set[str] = Field(default_factory=set, description="Causes already applied (inbox).")
    credit_notes: int = Field(default=0, description="Credit notes issued (numbers them).")

    def first_time(self, cause: str) -> bool:
        """True (and remembered) the first time a cause is seen; False for a redelivery."""
        if cause in self.applied:
            return False
        self.applied.add(cause)
        return True

    def record(self, event: FinanceEvent) -> None:
        self._events.append(event)

    def announce(self, kind: type[FinanceEvent], cause: str, told: object = None, **fields: object) -> None:
        """Record an event of `kind` that says what `told` (a command, a stake, an invoice) says under
        the event's own field names, with `fields` for the rest (they win over `told`)."""
        unknown = set(fields) - set(kind.model_fields)
        if unknown:
            raise TypeError(f"{kind.__name__} has no fields {sorted(unknown)}")
        restated = {name: getattr(told, name) for name in kind.model_fields if hasattr(told, name)}
        self.record(kind.model_validate(restated | self.ids() | {"cause": cause} | fields))

    def post(
        self,
        on: date,
        cause: str,
        memo: str,
        *lines: tuple[Account, Decimal],
        source: str,
        cost: CostKind = CostKind.OPERATING,
        about: str | None = None,
    ) -> None:
        """Post a balanced entry; an entry whose lines are all zero is not posted.

        The one place revenue, cost and the park's subsidy are announced: each line posted to a revenue
        account records `RevenueRecognized` (credit = positive, a reversal's debit = negative) dated
        `on`, each line to operating cost `CostRecognized` (of `cost` kind), each line to subsidy received
        `SubsidyReceived`; all name `source`, what earned, reversed or incurred it (an invoice, credit
        note, stake, cost or subsidy id). `about` describes a cost or names a subsidy's policy (the memo
        when omitted). So the events of a period always sum to the ledger's accounts."""
        posted = entry(f"E{len(self.ledger.entries) + 1:07d}", on, cause, memo, *lines)
        if not posted.lines:
            return
        self.ledger.post(posted)
        for line in posted.lines:
            self._announce_posting(
                line, on, cause, source=source, cost=cost, about=memo if about is None else about
            )

    def _announce_posting(
        self, line: Line, on: date, cause: str, *, source: str, cost: CostKind, about: str
    ) -> None:
        stream = REVENUE_ACCOUNTS.get(line.account)
        if stream is not None:
            self.announce(
                RevenueRecognized,
                cause,
                stream=stream,
                amount=-line.amount,
                source_id=source,
                recognized_on=on,
            )
        elif line.account is Account.OPERATING_COST:
            self.record(
                CostRecognized(
                    **self.ids(),
                    cause=cause,
                    cost_id=source,
                    kind=cost,
                    amount=line.amount,
                    incurred_on=on,
                    description=about,
                )
            )
        elif line.account is Account.SUBSIDY_RECEIVED:
            self.announce(
                SubsidyReceived, cause, subsidy_id=source, policy=about, amount=-line.amount, received_on=on
            )

    def ids(self) -> dict[str, str]:
        return {"park_id": self.park_id, "group_id": self.group_id}

    def invoice(self, invoice_id: str) -> Invoice:
        found = self.invoices.get(invoice_id)
        if found is None:
            raise NotFound(f"invoice {invoice_id} not found")
        return found

    def issue_invoice(self, charge: Charge, cause: str) -> Invoice:
        """Bill a payer: Dr receivables / Cr revenue of the stream (Cr deferred revenue when billed in
        advance for `deferred_months` of service); then use any credit the payer holds."""
        within_ceiling(charge.amount, "amount")
        invoice = Invoice(
            invoice_id=charge.invoice_id or f"INV-{len(self.invoices) + 1:06d}",
            payer_id=charge.payer_id,
            stream=charge.stream,
            description=charge.description,
            amount=charge.amount,
            issued_on=charge.on,
            due_on=charge.on + PAYMENT_TERMS,
            cause=cause,
            lease_id=charge.lease_id,
        )
        self.invoices[invoice.invoice_id] = invoice
        months = charge.deferred_months
        earned = self._defer(invoice, months) if months else revenue_account(charge.stream)
        memo = f"invoice {invoice.invoice_id}: {charge.description}"
        self.record(InvoiceIssued.model_validate(self.ids() | invoice.model_dump(include=ISSUED_FIELDS)))
        lines = (Account.RECEIVABLES, charge.amount), (earned, -charge.amount)
        self.post(charge.on, cause, memo, *lines, source=invoice.invoice_id)
        invoice.moved(charge.on, charge.amount)
        self._apply_credit(invoice)
        return invoice

    def _defer(self, invoice: Invoice, months: int) -> Account:
        """Revenue billed in advance waits in deferred revenue, recognised month by month."""
        self.deferrals[invoice.invoice_id] = Deferral(
            invoice_id=invoice.invoice_id,
            stream=invoice.stream,
            total=invoice.amount,
            months=months,
            starts_on=invoice.issued_on,
        )
        return Account.DEFERRED_REVENUE

    def _apply_credit(self, invoice: Invoice) -> None:
        """Credit the payer holds (an overpayment) settles the new invoice first."""
        payer = invoice.payer_id
        credit = min(self.credits.get(payer, ZERO), invoice.amount)
        if credit > ZERO:
            self.credits[payer] -= credit
            invoice.settle(credit, invoice.issued_on)
            memo = f"credit of {payer} applied to {invoice.invoice_id}"
            entries = (Account.CUSTOMER_CREDIT, credit), (Account.RECEIVABLES, -credit)
            self.post(invoice.issued_on, invoice.cause, memo, *entries, source=invoice.invoice_id)
