"""Issue 16: finance owns money. Every recognition is a RevenueRecognized dated by the business (negative
for a reversal), cancellations and credit notes are events, costs and the park's own subsidy are
announced, rent for equity is earned in the months it replaces, receivables count only what happened
by the date asked, and a billable ticket bills its payer or fails."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from finance.domain.books import ParkBooks
from finance.domain.charges import charge_fee
from finance.domain.commands import AcquireStake, ChargeFee, ReceivePayment
from finance.domain.equity import StakeOrigin
from finance.domain.fees import EnterpriseSize, FeeKind
from finance.domain.investments import acquire_stake
from finance.domain.lease_billing import run_billing, schedule_lease, terminate_lease
from finance.domain.ledger import Account, Stream
from finance.domain.operations import accrue_operator_bonus, record_operating_cost, record_subsidy_received
from finance.domain.payments import cancel_invoice, receive_payment
from finance.domain.receivables import aging
from finance.domain.reports import revenue_report
from finance.handlers import ConsumedEventsHandler
from finance.service.events import NoPayer, consumed
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.finance import (
    CostKind,
    CostRecognized,
    CreditNoteIssued,
    FinanceEvent,
    InvoiceCancelled,
    RevenueRecognized,
    SubsidyReceived,
)
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.consumer import Delivery
from parkops_runtime.testing import MemoryAggregates

from tests.support.events import ticket_resolved

from .books_fixtures import START, MemoryDirectory, books, invoice, monthly_lines, park, replica

D = Decimal


def events(b: ParkBooks, kind: type[FinanceEvent]) -> list[Any]:
    return [e for e in b.events if isinstance(e, kind)]


def revenue(b: ParkBooks) -> list[tuple[Stream, Decimal, str, date]]:
    return [(e.stream, e.amount, e.source_id, e.recognized_on) for e in events(b, RevenueRecognized)]


def test_an_invoice_recognises_its_revenue_on_its_issue_date_and_a_cancellation_reverses_it() -> None:
    b = books()
    inv = invoice(b, "t1", "100.00", date(2026, 2, 3))
    receive_payment(b, ReceivePayment("pay1", None, D("30.00"), inv, date(2026, 2, 4)), "pay")
    cancel_invoice(b, inv, date(2026, 3, 5), "cancel")
    assert revenue(b) == [
        (Stream.RENT, D("100.00"), inv, date(2026, 2, 3)),
        (Stream.RENT, D("-100.00"), inv, date(2026, 3, 5)),
    ]
    (cancelled,) = events(b, InvoiceCancelled)
    assert (cancelled.invoice_id, cancelled.payer_id, cancelled.stream) == (inv, "t1", Stream.RENT)
    assert (cancelled.amount, cancelled.cancelled_on, cancelled.cause) == (
        D("100.00"),
        date(2026, 3, 5),
        "cancel",
    )
    assert b.credits["t1"] == D("30.00")  # what was paid of it is the payer's credit
    cancel_invoice(b, inv, date(2026, 3, 5), "cancel")  # the same request again: nothing new
    assert len(events(b, InvoiceCancelled)) == 1
    assert revenue_report(b.ledger, "2026-02").revenue_by_stream[Stream.RENT] == D("100.00")
    assert revenue_report(b.ledger, "2026-03").revenue_by_stream[Stream.RENT] == D("-100.00")


def test_the_platform_fee_is_recognised_monthly_and_a_cancellation_reverses_what_was_earned() -> None:
    b = books()
    fee = charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(1), EnterpriseSize.SMALL, date(2026, 1, 10)), "f")
    assert fee is not None
    assert revenue(b) == []  # billed in advance: deferred
    run_billing(b, "2026-02", "bill-feb")
    monthly = (Stream.VALUE_ADDED_SERVICES, D("833.33"), fee.invoice_id)
    assert revenue(b) == [(*monthly, date(2026, 1, 1)), (*monthly, date(2026, 2, 1))]
    cancel_invoice(b, fee.invoice_id, date(2026, 2, 20), "cancel")
    assert revenue(b)[-1] == (Stream.VALUE_ADDED_SERVICES, D("-1666.66"), fee.invoice_id, date(2026, 2, 20))
    assert b.ledger.balances().get(Account.DEFERRED_REVENUE, D(0)) == 0
    run_billing(b, "2026-03", "bill-mar")  # nothing is left to recognise
    assert len(revenue(b)) == 3


def test_a_terminated_lease_gets_a_credit_note_and_its_revenue_reversed_on_the_termination_date() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["3100.00", "2800.00"]), "signed")
    run_billing(b, "2026-01", "bill-jan")
    run_billing(b, "2026-02", "bill-feb")
    terminate_lease(b, "L1", date(2026, 1, 10), date(2026, 1, 12), "ended")
    notes = events(b, CreditNoteIssued)
    assert [(n.invoice_id, n.amount, n.issued_on, n.stream, n.payer_id) for n in notes] == [
        ("L1-m1", D("2100.00"), date(2026, 1, 12), Stream.RENT, "t1"),  # 10 of 31 days due
        ("L1-m2", D("2800.00"), date(2026, 2, 1), Stream.RENT, "t1"),  # not before its invoice
    ]
    assert all("terminated" in n.reason for n in notes)
    assert revenue(b)[-2:] == [
        (Stream.RENT, D("-2100.00"), notes[0].credit_note_id, date(2026, 1, 12)),
        (Stream.RENT, D("-2800.00"), notes[1].credit_note_id, date(2026, 2, 1)),
    ]
    assert notes[0].credit_note_id != notes[1].credit_note_id
    assert events(b, InvoiceCancelled) == []  # a credit note, even of a whole month


def test_costs_the_bonus_and_the_parks_own_subsidy_are_announced_from_their_postings() -> None:
    b = books()
    record_operating_cost(b, D("1200.00"), "cleaning", date(2026, 4, 2), "c1", source="cost-1")
    accrue_operator_bonus(b, D("5000.00"), "assessment a1 (2026)", date(2026, 12, 31), "b1", source="a1")
    record_subsidy_received(b, D("20000.00"), "SME programme", date(2026, 5, 6), "s1", source="sub-1")
    record_operating_cost(b, D("1200.00"), "cleaning", date(2026, 4, 2), "c1", source="cost-1")  # again
    costs = [(e.cost_id, e.kind, e.amount, e.incurred_on, e.description) for e in events(b, CostRecognized)]
    assert costs == [
        ("cost-1", CostKind.OPERATING, D("1200.00"), date(2026, 4, 2), "cleaning"),
        ("a1", CostKind.OPERATOR_BONUS, D("5000.00"), date(2026, 12, 31), "assessment a1 (2026)"),
    ]
    (subsidy,) = events(b, SubsidyReceived)
    assert (subsidy.subsidy_id, subsidy.policy, subsidy.amount, subsidy.received_on) == (
        "sub-1", "SME programme", D("20000.00"), date(2026, 5, 6),
    )  # fmt: skip
    report = revenue_report(b.ledger, "2026")
    assert (report.operating_cost, report.subsidy_received) == (D("6200.00"), D("20000.00"))
    assert revenue(b) == []


WAIVED = ["1000.00", "W", "W", "W", "1000.00"]  # months 2-4 waived for equity


def rent_for_equity(b: ParkBooks, amount: str = "3000.01", on: date = START, cause: str = "agreed") -> None:
    stake = AcquireStake(
        "L1/equity", "t1", D(2), D(amount), StakeOrigin.RENT_FOR_EQUITY, on, lease_id="L1", months_waived=3
    )
    acquire_stake(b, stake, cause)


def test_rent_for_equity_is_unearned_at_the_agreement_and_earned_in_each_waived_month() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(WAIVED), "signed")
    rent_for_equity(b)
    assert revenue(b) == []
    balances = b.ledger.balances()
    assert (balances[Account.EQUITY_INVESTMENTS], balances[Account.UNEARNED_RENT]) == (
        D("3000.01"),
        D("-3000.01"),
    )
    for month in range(1, 6):
        run_billing(b, f"2026-{month:02d}", f"bill-{month}")
    in_kind = [r for r in revenue(b) if r[2] == "L1/equity"]
    assert in_kind == [
        (Stream.RENT, D("1000.00"), "L1/equity", date(2026, 2, 1)),
        (Stream.RENT, D("1000.00"), "L1/equity", date(2026, 3, 1)),
        (Stream.RENT, D("1000.01"), "L1/equity", date(2026, 4, 1)),  # the last month takes the rest
    ]
    assert b.ledger.balances().get(Account.UNEARNED_RENT, D(0)) == 0
    assert revenue_report(b.ledger, "2026-03").revenue_by_stream[Stream.RENT] == D("1000.00")
    assert revenue_report(b.ledger, "2026").revenue_by_stream[Stream.RENT] == D("5000.01")


def test_rent_for_equity_agreed_after_billing_reached_a_waived_month_earns_it_in_that_month() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(WAIVED), "signed")
    run_billing(b, "2026-02", "bill-2")
    rent_for_equity(b, on=date(2026, 2, 10))
    assert [r[3] for r in revenue(b) if r[2] == "L1/equity"] == [date(2026, 2, 1)]
    rent_for_equity(b, on=date(2026, 2, 10))  # redelivered
    assert len([r for r in revenue(b) if r[2] == "L1/equity"]) == 1


def test_a_lease_ended_before_its_waived_months_earns_the_rest_on_its_last_day() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(WAIVED), "signed")
    rent_for_equity(b)
    run_billing(b, "2026-02", "bill-2")
    terminate_lease(b, "L1", date(2026, 2, 14), date(2026, 2, 15), "ended")
    in_kind = [r for r in revenue(b) if r[2] == "L1/equity"]
    assert in_kind == [
        (Stream.RENT, D("1000.00"), "L1/equity", date(2026, 2, 1)),
        (Stream.RENT, D("2000.01"), "L1/equity", date(2026, 2, 14)),
    ]
    run_billing(b, "2026-03", "bill-3")
    assert len([r for r in revenue(b) if r[2] == "L1/equity"]) == 2


def test_receivables_as_of_a_date_count_only_what_happened_by_then() -> None:
    b = books()
    paid_later = invoice(b, "t1", "100.00", date(2026, 1, 1))
    cancelled_later = invoice(b, "t2", "40.00", date(2026, 1, 1))
    invoice(b, "t1", "7.00", date(2026, 3, 1))  # issued after the date asked
    receive_payment(b, ReceivePayment("p", None, D("60.00"), paid_later, date(2026, 2, 10)), "pay")
    cancel_invoice(b, cancelled_later, date(2026, 2, 11), "cancel")
    as_of_jan = aging(b.invoices.values(), date(2026, 1, 31))
    assert as_of_jan == {"0-30": D("140.00"), "31-60": 0, "61-90": 0, "90+": 0}
    assert sum(aging(b.invoices.values(), date(2026, 2, 10)).values()) == D("80.00")  # paid that day
    assert sum(aging(b.invoices.values(), date(2026, 3, 1)).values()) == D("47.00")


def test_a_payment_dated_before_an_invoice_settles_it_on_its_issue_date() -> None:
    b = books()
    later = invoice(b, "t1", "100.00", date(2026, 3, 1))
    receive_payment(b, ReceivePayment("p", "t1", D("60.00"), None, date(2026, 2, 1)), "pay")
    assert b.invoices[later].paid == D("60.00")
    assert sum(aging(b.invoices.values(), date(2026, 2, 28)).values()) == 0  # not issued yet
    assert sum(aging(b.invoices.values(), date(2026, 3, 1)).values()) == D("40.00")
    feb, mar = b.ledger.balances("2026-02"), b.ledger.balances("2026-03")
    assert (feb[Account.CUSTOMER_CREDIT], feb.get(Account.RECEIVABLES)) == (D("-60.00"), None)  # credit
    assert (mar[Account.CUSTOMER_CREDIT], mar[Account.RECEIVABLES]) == (D("60.00"), D("40.00"))


AT = datetime(2026, 5, 4, 10, tzinfo=UTC)


def ticket(**fields: Any) -> TicketResolved:
    return ticket_resolved(resolved_at=AT, **fields)


@pytest.mark.parametrize(
    ("fields", "payer"),
    [({"tenant_id": "t1", "payer_id": "t2"}, "t2"), ({"tenant_id": "t1"}, "t1"), ({"payer_id": "t3"}, "t3")],
)
def test_a_billable_ticket_is_billed_to_its_payer_else_its_tenant(fields: dict[str, str], payer: str) -> None:
    booked = consumed(ticket(**fields), "src#e1")
    assert booked is not None
    b = books()
    booked.booking(b, booked.cause)
    (billed,) = b.invoices.values()
    assert (billed.payer_id, billed.amount, billed.stream, billed.issued_on) == (
        payer, D("450.00"), Stream.PROPERTY, date(2026, 5, 4),
    )  # fmt: skip


async def test_a_billable_ticket_with_no_payer_fails_with_the_reason_and_books_nothing() -> None:
    with pytest.raises(NoPayer, match="billable ticket k1 of park p1 names no payer_id nor tenant_id"):
        consumed(ticket(), "src#e1")
    assert consumed(ticket(billable=False, billable_amount=D(0)), "src#e2") is None
    repo = MemoryAggregates()
    handle = ConsumedEventsHandler(replica(repo, MemoryDirectory(park("p1"))), MemoryDirectory(park("p1")), 0)
    event = ticket()
    meta = CloudEventMeta(id="e1", source="/parkops/tickets", type=event.ce_type(), time=AT)
    with pytest.raises(NoPayer):
        await handle([Delivery(meta, event, {}, event.topic(), 0, 0)])
    assert repo.events(RevenueRecognized) == []


def test_an_invoice_stored_before_movements_were_kept_is_owed_its_current_balance_from_its_issue() -> None:
    b = books()
    inv = b.invoices[invoice(b, "t1", "100.00", date(2026, 2, 1))]
    inv.settle(D("30.00"), date(2026, 2, 5))
    inv.movements.clear()  # as the books stored before issue 16 read
    assert inv.outstanding_on(date(2026, 1, 31)) == 0
    assert inv.outstanding_on(date(2026, 2, 1)) == D("70.00")
