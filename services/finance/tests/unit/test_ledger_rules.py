"""Ledger, equity, payment and report rules, with the postings of the README table counted by hand."""

from datetime import date
from decimal import Decimal

import pytest
from finance.domain.commands import AcquireStake, Charge, CreditNote, ReceivePayment
from finance.domain.equity import Stake, StakeOrigin
from finance.domain.investments import acquire_stake, exit_stake, mark_to_valuation
from finance.domain.ledger import Account, Ledger, Stream, UnbalancedEntry, entry, revenue_account
from finance.domain.operations import record_operating_cost, record_subsidy_received
from finance.domain.payments import cancel_invoice, credit_note, receive_payment
from finance.domain.receivables import InvoiceStatus
from finance.domain.reports import ratio, revenue_report
from parkops_contracts.events.finance import EquityStakeAcquired, PaymentReceived, RevenueRecognized
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

from .books_fixtures import START, books, invoice

D = Decimal


def test_an_entry_drops_zero_lines_and_must_balance() -> None:
    kept = entry(
        "E1",
        START,
        "c",
        "m",
        (Account.CASH, D(5)),
        (Account.RECEIVABLES, D(0)),
        (Account.SUBSIDY_RECEIVED, D(-5)),
    )
    assert [(line.account, line.amount) for line in kept.lines] == [
        (Account.CASH, 5),
        (Account.SUBSIDY_RECEIVED, -5),
    ]
    assert (kept.entry_id, kept.cause, kept.memo, kept.period) == ("E1", "c", "m", "2026-01")
    with pytest.raises(UnbalancedEntry):
        entry("E2", START, "c", "m", (Account.CASH, D(5)), (Account.SUBSIDY_RECEIVED, D(-4)))
    unbalanced = kept.model_copy(update={"lines": kept.lines[:1]})
    ledger = Ledger()
    with pytest.raises(UnbalancedEntry):
        ledger.post(unbalanced)
    assert ledger.entries == []


def test_balances_sum_per_account_over_the_named_period() -> None:
    b = books()
    record_operating_cost(b, D("10.00"), "jan", date(2026, 1, 31), "c1")
    record_operating_cost(b, D("20.00"), "feb", date(2026, 2, 1), "c2")
    record_subsidy_received(b, D("3.00"), "feb", date(2026, 2, 2), "c3")
    record_subsidy_received(b, D("4.00"), "feb", date(2026, 2, 2), "c3b")
    record_subsidy_received(b, D("4.00"), "feb", date(2026, 2, 2), "c3b")  # a replay adds nothing
    record_operating_cost(b, D("40.00"), "next year", date(2027, 2, 1), "c4")
    assert b.ledger.balances("2026-02") == {Account.OPERATING_COST: D("20.00"), Account.CASH: D("-13.00"),
                                             Account.SUBSIDY_RECEIVED: D("-7.00")}  # fmt: skip
    assert b.ledger.balances("2026")[Account.OPERATING_COST] == D("30.00")
    assert b.ledger.balances()[Account.OPERATING_COST] == D("70.00")
    assert [e.entry_id for e in b.ledger.entries] == [
        "E0000001",
        "E0000002",
        "E0000003",
        "E0000004",
        "E0000005",
    ]
    b.post(START, "z", "nothing", (Account.CASH, D(0)), source="z")  # an all-zero entry is not posted
    assert len(b.ledger.entries) == 5
    assert revenue_account(Stream.PROPERTY) is Account.REVENUE_PROPERTY


def test_ratios_round_half_up_to_four_places() -> None:
    assert ratio(D(1), D(32)) == D("0.0313")  # 0.03125 (half-even would give 0.0312)
    assert ratio(D(2), D(3)) == D("0.6667")
    assert ratio(D(1), D(0)) is None


def test_the_service_share_target_is_above_thirty_percent_and_investment_is_beside_revenue() -> None:
    b = books()
    invoice(b, "t1", "6999.00")
    b.first_time("svc")
    b.issue_invoice(Charge("t1", Stream.INDUSTRY_SERVICES, D("2001.00"), START, "talent"), "svc")
    b.first_time("va")
    b.issue_invoice(Charge("t1", Stream.VALUE_ADDED_SERVICES, D("1000.00"), START, "testing"), "va")
    acquire_stake(b, AcquireStake("s1", "t2", D(1), D("100.00"), StakeOrigin.PARK_FUND, START), "buy")
    exit_stake(b, "s1", D("600.00"), START, "sell")
    report = revenue_report(b.ledger, "2026")
    assert report.revenue_by_stream[Stream.INVESTMENT] == D("500.00")
    assert (report.operating_revenue, report.service_revenue) == (D("10000.00"), D("3001.00"))
    assert report.service_share == D("0.3001")
    assert report.service_share_target_met
    assert report.revenue_to_cost is None  # no operating cost booked
    assert report.subsidy_dependency == D(0)
    assert report.period == "2026"


def test_a_payment_names_an_invoice_or_a_payer_and_only_the_invoices_own() -> None:
    b = books()
    inv = invoice(b, "t1", "100.00")
    with pytest.raises(Unprocessable):
        receive_payment(b, ReceivePayment("p", "t2", D("1.00"), inv, START), "p1")
    with pytest.raises(Unprocessable):
        receive_payment(b, ReceivePayment("p", None, D("1.00"), None, START), "p2")
    assert not {"p1", "p2"} & b.applied
    receive_payment(b, ReceivePayment("p3", "t1", D("130.00"), inv, date(2026, 1, 5)), "p3")
    paid = b.events[-1]
    assert isinstance(paid, PaymentReceived)
    assert (paid.payment_id, paid.payer_id, paid.amount, paid.credited, paid.received_on) == (
        "p3", "t1", D("130.00"), D("30.00"), date(2026, 1, 5),
    )  # fmt: skip
    assert [(a.invoice_id, a.amount) for a in paid.allocations] == [(inv, D("100.00"))]
    assert [(line.account, line.amount) for line in b.ledger.entries[-1].lines] == [
        (Account.CASH, D("130.00")),
        (Account.RECEIVABLES, D("-100.00")),
        (Account.CUSTOMER_CREDIT, D("-30.00")),
    ]
    receive_payment(b, ReceivePayment("p4", "t1", D("5.00"), None, START), "p4")
    assert b.credits["t1"] == D("35.00")


@pytest.mark.parametrize(
    ("paid", "by", "left", "refund", "lines"),
    [
        ("100.00", "40.00", "60.00", "40.00", [("revenue:rent", "40.00"), ("customer_credit", "-40.00")]),
        (  # part paid: the note first clears what is unpaid, the rest is refunded to credit
            "70.00",
            "50.00",
            "50.00",
            "20.00",
            [("revenue:rent", "50.00"), ("receivables", "-30.00"), ("customer_credit", "-20.00")],
        ),
    ],
)
def test_a_credit_note_refunds_to_credit_what_was_paid_of_it_and_a_cancellation_all_that_was_paid(
    paid: str, by: str, left: str, refund: str, lines: list[tuple[str, str]]
) -> None:
    b = books()
    inv = invoice(b, "t1", "100.00")
    receive_payment(b, ReceivePayment("p", None, D(paid), inv, START), "p")
    credit_note(b, b.invoices[inv], CreditNote(D(by), START, "discount"), "cn")
    noted = b.invoices[inv]
    assert (noted.amount, noted.paid, noted.status) == (D(left), D(left), InvoiceStatus.PAID)
    assert b.credits["t1"] == D(refund)
    assert [(line.account, line.amount) for line in b.ledger.entries[-1].lines] == [
        (Account(a), D(m)) for a, m in lines
    ]
    cancel_invoice(b, inv, START, "cancel")
    assert b.invoices[inv].status is InvoiceStatus.CANCELLED
    assert b.credits["t1"] == D(paid)
    assert cancel_invoice(b, inv, START, "cancel").status is InvoiceStatus.CANCELLED  # replay
    with pytest.raises(Conflict):
        cancel_invoice(b, inv, START, "cancel-again")


def test_cancelling_part_of_a_deferred_fee_reverses_only_the_unrecognised_part() -> None:
    b = books()
    b.first_time("fee")
    inv = b.issue_invoice(
        Charge("t1", Stream.VALUE_ADDED_SERVICES, D("1200.00"), START, "platform", deferred_months=12), "fee"
    )
    b.deferrals[inv.invoice_id].recognized = D("300.00")  # three months recognised
    credit_note(b, inv, CreditNote(D("1000.00"), START, "shorter term"), "cn")
    assert b.deferrals[inv.invoice_id].total == D("300.00")
    assert [(line.account, line.amount) for line in b.ledger.entries[-1].lines] == [
        (Account.DEFERRED_REVENUE, D("900.00")), (Account.REVENUE_VALUE_ADDED_SERVICES, D("100.00")),
        (Account.RECEIVABLES, D("-1000.00")),
    ]  # fmt: skip


def test_a_stake_bought_by_the_park_fund_is_paid_in_cash_and_announced() -> None:
    b = books()
    stake = acquire_stake(
        b, AcquireStake("s1", "t1", D("2.5"), D("5000.00"), StakeOrigin.PARK_FUND, START), "buy"
    )
    assert stake is not None
    assert (stake.carrying, stake.cost_basis, stake.acquired_on, stake.exited_on) == (
        D("5000.00"), D("5000.00"), START, None,
    )  # fmt: skip
    assert b.ledger.balances() == {Account.EQUITY_INVESTMENTS: D("5000.00"), Account.CASH: D("-5000.00")}
    acquired = b.events[-1]
    assert isinstance(acquired, EquityStakeAcquired)
    assert (acquired.stake_id, acquired.tenant_id, acquired.percent) == ("s1", "t1", D("2.5"))
    assert (acquired.cost_basis, acquired.origin, acquired.acquired_on) == (D("5000.00"), "park_fund", START)
    assert (
        acquire_stake(
            b, AcquireStake("s1", "t1", D("2.5"), D("5000.00"), StakeOrigin.PARK_FUND, START), "buy"
        )
        is None
    )
    with pytest.raises(Conflict, match="s1 already exists"):
        acquire_stake(b, AcquireStake("s1", "t1", D(1), D("1.00"), StakeOrigin.PARK_FUND, START), "buy-again")


def test_a_mark_moves_only_the_tenants_active_stakes_and_may_lose_value() -> None:
    b = books()
    acquire_stake(b, AcquireStake("s1", "t1", D("0.5"), D("100.00"), StakeOrigin.PARK_FUND, START), "a1")
    acquire_stake(b, AcquireStake("s2", "t2", D(1), D("100.00"), StakeOrigin.PARK_FUND, START), "a2")
    acquire_stake(b, AcquireStake("s3", "t1", D(1), D("100.00"), StakeOrigin.PARK_FUND, START), "a3")
    acquire_stake(b, AcquireStake("s4", "t1", D(2), D("100.00"), StakeOrigin.PARK_FUND, START), "a4")
    exit_stake(b, "s3", D("100.00"), START, "x3")
    mark_to_valuation(b, "t1", D("10001.00"), START, "m1")  # 0.5% = 50.005 -> 50.01; 2% = 200.02
    carrying = [b.stakes[s].carrying for s in ("s1", "s2", "s3", "s4")]
    assert carrying == [D("50.01"), D("100.00"), D("100.00"), D("200.02")]
    assert b.stakes["s1"].unrealised == D("-49.99")
    assert b.ledger.balances()[Account.REVALUATION_RESERVE] == D("-50.03")  # -49.99 + 100.02
    mark_to_valuation(b, "t1", D("1.00"), START, "m1")  # redelivered
    assert b.stakes["s1"].carrying == D("50.01")
    mark_to_valuation(b, "t1", D("20000.00"), START, "m2")  # a later report moves the marks again
    assert (b.stakes["s1"].carrying, b.stakes["s4"].carrying) == (D("100.00"), D("400.00"))


def test_an_exit_at_a_loss_realises_a_negative_gain_and_happens_once() -> None:
    b = books()
    acquire_stake(b, AcquireStake("s1", "t1", D(10), D("1000.00"), StakeOrigin.RENT_FOR_EQUITY, START), "a")
    assert b.ledger.balances()[Account.UNEARNED_RENT] == D("-1000.00")  # rent received in kind
    assert Account.REVENUE_RENT not in b.ledger.balances()  # earned in the months it replaces
    mark_to_valuation(b, "t1", D("12000.00"), START, "m")  # carried at 1200.00
    exit_stake(b, "s1", D("900.00"), date(2026, 6, 1), "x")
    realised = b.events[-1]
    assert isinstance(realised, RevenueRecognized)
    assert (realised.amount, realised.source_id, realised.recognized_on) == (
        D("-100.00"),
        "s1",
        date(2026, 6, 1),
    )
    balances = b.ledger.balances()
    assert (balances[Account.CASH], balances[Account.REVENUE_INVESTMENT]) == (D("900.00"), D("100.00"))
    assert balances[Account.EQUITY_INVESTMENTS] == 0
    assert b.stakes["s1"].exited_on == date(2026, 6, 1)
    assert exit_stake(b, "s1", D("900.00"), date(2026, 6, 1), "x").exited_on == date(2026, 6, 1)
    with pytest.raises(Conflict, match="s1 was exited on 2026-06-01"):
        exit_stake(b, "s1", D("900.00"), date(2026, 6, 1), "x-again")
    with pytest.raises(NotFound, match="stake nope not found"):
        exit_stake(b, "nope", D("1.00"), START, "x-nope")


def test_a_stakes_marked_value_is_its_share_rounded_half_up() -> None:
    stake = Stake(stake_id="s", tenant_id="t", percent=D("0.5"), cost_basis=D("1.00"), carrying=D("3.00"),
                  origin=StakeOrigin.PARK_FUND, acquired_on=START)  # fmt: skip
    assert stake.marked_value(D("1.01")) == D("0.01")  # 0.00505
    assert stake.unrealised == D("2.00")


def test_refusals_of_payments_and_cancellations_say_why() -> None:
    b = books()
    first, second = invoice(b, "t1", "10.00"), invoice(b, "t1", "20.00")
    with pytest.raises(Unprocessable, match=f"invoice {first} is not billed to t2"):
        receive_payment(b, ReceivePayment("p", "t2", D("1.00"), first, START), "p1")
    with pytest.raises(Unprocessable, match="a payment names an invoice or a payer"):
        receive_payment(b, ReceivePayment("p", None, D("1.00"), None, START), "p2")
    cancel_invoice(b, first, START, "cancel-1")
    cancel_invoice(b, second, START, "cancel-2")  # each cancellation is its own request
    assert [b.invoices[i].status for i in (first, second)] == [InvoiceStatus.CANCELLED] * 2
    with pytest.raises(Conflict, match=f"invoice {first} is already cancelled"):
        cancel_invoice(b, first, START, "cancel-3")
    with pytest.raises(Conflict, match=f"invoice {first} is cancelled"):
        receive_payment(b, ReceivePayment("p", None, D("1.00"), first, START), "p3")
    with pytest.raises(NotFound, match="invoice nope not found"):
        cancel_invoice(b, "nope", START, "cancel-4")


def test_an_event_restates_what_it_is_told_and_names_only_its_own_fields() -> None:
    b = books()
    told = ReceivePayment("p9", "t1", D("1.00"), None, START)  # its `invoice_id` and `on` are not restated
    with pytest.raises(TypeError, match="paid_on"):
        b.announce(PaymentReceived, "c", told, paid_on=START)
    b.announce(PaymentReceived, "c", told, payer_id="t2", received_on=START, credited=D(1), allocations=[])
    (paid,) = b.events
    assert isinstance(paid, PaymentReceived)
    assert (paid.cause, paid.park_id, paid.payment_id, paid.payer_id, paid.amount) == (
        "c",
        "p1",
        "p9",
        "t2",
        D(1),
    )
