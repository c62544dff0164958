"""Fees, financing commissions and subsidy application fees, charged from events or by API."""

from datetime import date
from decimal import Decimal

from parkops_contracts.events.finance import (
    CommissionEarned,
    FundingClosed,
    FundingInstrument,
    SubsidyGranted,
)

from finance.domain.books import ParkBooks
from finance.domain.fees import STREAM_OF, EnterpriseSize, FeeKind
from finance.domain.ledger import Stream
from finance.domain.money import percent_of
from finance.domain.receivables import Invoice


def charge_fee(
    books: ParkBooks,
    payer_id: str,
    kind: FeeKind,
    quantity: Decimal,
    size: EnterpriseSize | None,
    on: date,
    cause: str,
) -> Invoice | None:
    """Invoice a catalogue fee (quantity x the park's price); None when the cause was applied before."""
    if cause in books.applied:
        return None
    amount = books.catalogue.fee(kind, quantity, size)
    books.first_time(cause)
    what = f"{kind.value} fee x {quantity}" + (f" ({size.value})" if size else "")
    deferred = int(quantity * 12) if kind is FeeKind.PLATFORM else 0  # a service year, in advance
    return books.issue_invoice(payer_id, STREAM_OF[kind], amount, on, cause, what, deferred_months=deferred)


def charge_amount(
    books: ParkBooks, payer_id: str, stream: Stream, amount: Decimal, on: date, cause: str, what: str
) -> Invoice | None:
    """Invoice a priced service (e.g. a billable ticket) once per cause."""
    if not books.first_time(cause):
        return None
    return books.issue_invoice(payer_id, stream, amount, on, cause, what)


def close_funding(
    books: ParkBooks,
    deal_id: str,
    tenant_id: str,
    institution: str,
    instrument: FundingInstrument,
    amount: Decimal,
    payer_id: str,
    rate_percent: Decimal | None,
    on: date,
    cause: str,
) -> None:
    """FundingClosed -> commission at the park's rate (422 outside its bounds) -> CommissionEarned and
    an invoice (industry services) to the payer the deal names."""
    if cause in books.applied:
        return
    rate = books.catalogue.commission_rate(rate_percent)
    books.first_time(cause)
    ids = books.ids()
    books.record(
        FundingClosed(
            **ids,
            cause=cause,
            deal_id=deal_id,
            tenant_id=tenant_id,
            institution=institution,
            instrument=instrument,
            amount=amount,
            payer_id=payer_id,
            closed_on=on,
        )
    )
    commission = percent_of(amount, rate)
    if commission == 0:
        return
    invoice = books.issue_invoice(
        payer_id, Stream.INDUSTRY_SERVICES, commission, on, cause, f"commission {rate}% on deal {deal_id}"
    )
    books.record(
        CommissionEarned(
            **ids,
            cause=cause,
            deal_id=deal_id,
            rate_percent=rate,
            amount=commission,
            payer_id=payer_id,
            invoice_id=invoice.invoice_id,
        )
    )


def grant_subsidy(
    books: ParkBooks, subsidy_id: str, tenant_id: str, policy: str, amount: Decimal, on: date, cause: str
) -> None:
    """SubsidyGranted -> the policy-application fee (the park's 5-10%) invoiced to the tenant."""
    if not books.first_time(cause):
        return
    books.record(
        SubsidyGranted(
            **books.ids(),
            cause=cause,
            subsidy_id=subsidy_id,
            tenant_id=tenant_id,
            policy=policy,
            amount=amount,
            granted_on=on,
        )
    )
    fee = percent_of(amount, books.catalogue.application_fee_percent)
    if fee > 0:
        what = f"policy application fee {books.catalogue.application_fee_percent}% of {policy}"
        books.issue_invoice(tenant_id, Stream.INDUSTRY_SERVICES, fee, on, cause, what)
