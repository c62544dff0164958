"""Fees, financing commissions and subsidy application fees, charged from events or by API."""

from parkops_contracts.events.finance import CommissionEarned, FundingClosed, SubsidyGranted
from parkops_kernel.money import percent_of

from finance.domain.books import ParkBooks
from finance.domain.commands import Charge, ChargeFee, CloseFunding, GrantSubsidy
from finance.domain.fees import STREAM_OF, FeeKind
from finance.domain.ledger import Stream
from finance.domain.receivables import Invoice


def charge_fee(books: ParkBooks, fee: ChargeFee, cause: str) -> Invoice | None:
    """Invoice a catalogue fee (quantity x the park's price); None when the cause was applied before."""
    if cause in books.applied:
        return None
    amount = books.catalogue.fee(fee.kind, fee.quantity, fee.size)
    books.first_time(cause)
    what = f"{fee.kind.value} fee x {fee.quantity}" + (f" ({fee.size.value})" if fee.size else "")
    deferred = int(fee.quantity * 12) if fee.kind is FeeKind.PLATFORM else 0  # a service year, in advance
    charge = Charge(fee.payer_id, STREAM_OF[fee.kind], amount, fee.on, what, deferred_months=deferred)
    return books.issue_invoice(charge, cause)


def charge_amount(books: ParkBooks, charge: Charge, cause: str) -> Invoice | None:
    """Invoice a priced service (e.g. a billable ticket) once per cause."""
    if not books.first_time(cause):
        return None
    return books.issue_invoice(charge, cause)


def close_funding(books: ParkBooks, deal: CloseFunding, cause: str) -> None:
    """FundingClosed -> commission at the park's rate (422 outside its bounds) -> CommissionEarned and
    an invoice (industry services) to the payer the deal names."""
    if cause in books.applied:
        return
    rate = books.catalogue.commission_rate(deal.rate_percent)
    books.first_time(cause)
    books.announce(FundingClosed, cause, deal, closed_on=deal.on)
    commission = percent_of(deal.amount, rate)
    if commission == 0:
        return
    what = f"commission {rate}% on deal {deal.deal_id}"
    invoice = books.issue_invoice(
        Charge(deal.payer_id, Stream.INDUSTRY_SERVICES, commission, deal.on, what), cause
    )
    books.announce(CommissionEarned, cause, invoice, deal_id=deal.deal_id, rate_percent=rate)


def grant_subsidy(books: ParkBooks, subsidy: GrantSubsidy, cause: str) -> None:
    """SubsidyGranted -> the policy-application fee (the park's 5-10%) invoiced to the tenant."""
    if not books.first_time(cause):
        return
    books.announce(SubsidyGranted, cause, subsidy, granted_on=subsidy.on)
    fee = percent_of(subsidy.amount, books.catalogue.application_fee_percent)
    if fee > 0:
        what = f"policy application fee {books.catalogue.application_fee_percent}% of {subsidy.policy}"
        charge = Charge(subsidy.tenant_id, Stream.INDUSTRY_SERVICES, fee, subsidy.on, what)
        books.issue_invoice(charge, cause)
