"""Lease billing and deferral rules with expectations counted by hand (README "Money", finance rules).

Proration: the month that contains the termination is billed days occupied ÷ days in the lease month,
rounded half-up to the cent once; a platform fee billed in advance is recognised total ÷ months a month,
the last month taking the remainder."""

from datetime import date
from decimal import Decimal

import pytest
from finance.domain.billing import LeaseSchedule, ScheduleLine, billable_period, period_of
from finance.domain.commands import Charge
from finance.domain.deferrals import Deferral
from finance.domain.lease_billing import recognize_deferred, run_billing, schedule_lease, terminate_lease
from finance.domain.ledger import Account, Stream
from parkops_contracts.events.finance import InvoiceIssued, RevenueRecognized
from parkops_kernel.errors import Unprocessable

from .books_fixtures import books, monthly_lines

D = Decimal
APRIL = ScheduleLine(month=4, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30), rent=D("100.01"))


def schedule(terminated_on: date | None) -> LeaseSchedule:
    return LeaseSchedule(lease_id="L1", tenant_id="t1", lines=[APRIL], terminated_on=terminated_on, cause="s")


@pytest.mark.parametrize(
    ("terminated_on", "due"),
    [
        (None, "100.01"),
        (date(2026, 5, 3), "100.01"),  # after the month
        (date(2026, 4, 30), "100.01"),  # its last day: the whole month
        (date(2026, 4, 29), "96.68"),  # 29/30 x 100.01 = 96.6763...
        (date(2026, 4, 15), "50.01"),  # 15/30 x 100.01 = 50.005: half-up (half-even would give 50.00)
        (date(2026, 4, 1), "3.33"),  # 1/30 x 100.01 = 3.3336...
        (date(2026, 3, 31), "0.00"),  # before the month
    ],
)
def test_the_terminated_month_is_prorated_by_days(terminated_on: date | None, due: str) -> None:
    assert schedule(terminated_on).rent_due(APRIL) == D(due)


def test_billing_a_period_issues_each_lease_month_starting_in_it() -> None:
    b = books()
    lines = monthly_lines(["500.00", "0", "700.00"], date(2026, 11, 1))
    schedule_lease(b, "L7", "t9", lines, "signed")
    schedule_lease(b, "L7", "t8", monthly_lines(["1.00"]), "signed-again")  # the first schedule stays
    (nov,) = run_billing(b, "2026-11", "run-nov")
    assert (nov.invoice_id, nov.payer_id, nov.amount, nov.stream) == ("L7-m1", "t9", D("500.00"), Stream.RENT)
    assert (nov.issued_on, nov.due_on, nov.lease_id, nov.cause) == (
        date(2026, 11, 1), date(2026, 11, 16), "L7", "run-nov",
    )  # fmt: skip
    announced, earned = b.events[-2:]
    assert isinstance(announced, InvoiceIssued)
    assert isinstance(earned, RevenueRecognized)
    assert (earned.amount, earned.source_id) == (D("500.00"), "L7-m1")
    assert earned.recognized_on == date(2026, 11, 1)
    assert (announced.invoice_id, announced.lease_id, announced.amount) == ("L7-m1", "L7", D("500.00"))
    assert "L7" in nov.description
    assert "signed" in nov.description
    assert run_billing(b, "2026-12", "run-dec") == []  # rent-free: marked billed, no invoice
    assert b.schedules["L7"].billed == {1: D("500.00"), 2: D("0")}
    (jan,) = run_billing(b, "2027-01", "run-jan")
    assert (jan.invoice_id, jan.amount) == ("L7-m3", D("700.00"))
    assert b.ledger.balances()[Account.REVENUE_RENT] == D("-1200.00")
    assert b.ledger.balances()[Account.RECEIVABLES] == D("1200.00")
    assert period_of(date(2027, 1, 31)) == "2027-01"


def test_termination_credits_the_billed_excess_and_keeps_what_is_due() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["2800.00", "2800.00", "2800.00"]), "signed")
    for period in ("2026-01", "2026-02", "2026-03"):
        run_billing(b, period, f"run-{period}")
    terminate_lease(b, "L1", date(2026, 2, 7), date(2026, 2, 7), "terminated")
    # January stays; February: 7 of 28 days = 700.00; March: nothing
    assert [b.invoices[f"L1-m{m}"].amount for m in (1, 2, 3)] == [D("2800.00"), D("700.00"), D("0.00")]
    assert b.schedules["L1"].billed == {1: D("2800.00"), 2: D("700.00"), 3: D("0.00")}
    assert b.ledger.balances()[Account.REVENUE_RENT] == D("-3500.00")
    assert b.ledger.balances()[Account.RECEIVABLES] == D("3500.00")
    terminate_lease(b, "L1", date(2026, 1, 1), date(2026, 2, 7), "terminated")  # redelivered: no effect
    assert b.invoices["L1-m1"].amount == D("2800.00")
    terminate_lease(b, "unknown", date(2026, 1, 1), date(2026, 1, 1), "other")  # no schedule: nothing
    assert "other" not in b.applied


def test_a_deferral_month_rolls_over_the_year() -> None:
    deferral = Deferral(invoice_id="I", stream=Stream.VALUE_ADDED_SERVICES, total=D("100.00"), months=15,
                        starts_on=date(2026, 11, 20))  # fmt: skip
    assert [deferral.month_start(i) for i in (0, 1, 2, 13, 14)] == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 12, 1), date(2028, 1, 1),
    ]  # fmt: skip


def test_a_deferral_recognises_equal_months_and_the_last_takes_the_remainder() -> None:
    deferral = Deferral(invoice_id="I", stream=Stream.VALUE_ADDED_SERVICES, total=D("100.00"), months=3,
                        starts_on=date(2026, 12, 5))  # fmt: skip
    assert deferral.due_through("2026-11") == []
    assert deferral.due_through("2027-01") == [
        (date(2026, 12, 1), D("33.33")),
        (date(2027, 1, 1), D("33.33")),
    ]
    assert deferral.due_through("2030-01")[-1] == (date(2027, 2, 1), D("33.34"))


def test_a_reduced_deferral_never_recognises_more_than_is_left() -> None:
    deferral = Deferral(invoice_id="I", stream=Stream.VALUE_ADDED_SERVICES, total=D("60.00"), months=4,
                        starts_on=date(2026, 1, 1), recognized=D("50.00"), months_recognized=2)  # fmt: skip
    # 60 / 4 = 15 a month, but only 10 is left for months 3 and 4
    assert deferral.due_through("2026-12") == [(date(2026, 3, 1), D("10.00")), (date(2026, 4, 1), D("0.00"))]


def test_recognition_moves_deferred_revenue_to_its_stream_month_by_month() -> None:
    b = books()
    b.first_time("fee")
    on = date(2026, 1, 10)
    inv = b.issue_invoice(
        Charge("t1", Stream.VALUE_ADDED_SERVICES, D("1200.00"), on, "platform", deferred_months=12), "fee"
    )
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == D("-1200.00")
    recognize_deferred(b, "2026-02", "run")
    deferral = b.deferrals[inv.invoice_id]
    assert (deferral.months_recognized, deferral.recognized, deferral.remaining) == (
        2,
        D("200.00"),
        D("1000.00"),
    )
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == D("-1000.00")
    assert b.ledger.balances("2026-02")[Account.REVENUE_VALUE_ADDED_SERVICES] == D("-100.00")
    assert b.ledger.entries[-1].posted_on == date(2026, 2, 1)
    assert b.ledger.entries[-1].cause == "run"
    recognize_deferred(b, "2026-02", "run-again")
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == D("-1000.00")


def test_a_billing_period_before_the_parks_first_month_names_both() -> None:
    with pytest.raises(Unprocessable, match=r"2026-02 lies before the park was registered \(2026-03\)"):
        billable_period("2026-02", date(2026, 3, 31))
    assert billable_period("2026-04", date(2026, 3, 31)) == "2026-04"


def test_each_termination_event_credits_its_own_lease_even_a_small_excess() -> None:
    b = books()
    schedule_lease(b, "L0", "t0", monthly_lines(["1.00"]), "signed-0")  # a small rent is billed all the same
    schedule_lease(b, "L1", "t1", monthly_lines(["31.00"]), "signed-1")
    schedule_lease(b, "L2", "t2", monthly_lines(["3100.00"]), "signed-2")
    assert [i.invoice_id for i in run_billing(b, "2026-01", "run")] == ["L0-m1", "L1-m1", "L2-m1"]
    terminate_lease(b, "L1", date(2026, 1, 30), date(2026, 1, 30), "terminated-1")  # 30/31 x 31.00 = 30.00
    terminate_lease(b, "L2", date(2026, 1, 10), date(2026, 1, 10), "terminated-2")  # 10/31 x 3100.00
    assert (b.invoices["L1-m1"].amount, b.invoices["L2-m1"].amount) == (D("30.00"), D("1000.00"))
    assert (b.schedules["L1"].billed, b.schedules["L2"].billed) == ({1: D("30.00")}, {1: D("1000.00")})
    assert b.ledger.balances()[Account.RECEIVABLES] == D("1031.00")
