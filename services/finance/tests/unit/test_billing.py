from datetime import date
from decimal import Decimal

import pytest
from finance.domain.billing import billable_period
from finance.domain.commands import ReceivePayment
from finance.domain.lease_billing import run_billing, run_dunning, schedule_lease, terminate_lease
from finance.domain.ledger import Account
from finance.domain.payments import cancel_invoice, receive_payment
from finance.domain.receivables import DunningTier, aging
from parkops_kernel.errors import Unprocessable

from .books_fixtures import books, monthly_lines

D = Decimal


def test_a_billing_run_issues_the_months_invoices_once() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["0", "1000.00", "1000.00"]), "signed")
    assert run_billing(b, "2026-01", "run1") == []  # rent-free month
    issued = run_billing(b, "2026-02", "run2")
    assert [i.invoice_id for i in issued] == ["L1-m2"]
    assert run_billing(b, "2026-02", "run3") == []
    assert b.ledger.balances()[Account.REVENUE_RENT] == D("-1000.00")


def test_termination_prorates_the_last_month_and_stops_billing() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["3100.00", "3100.00", "3100.00"]), "signed")
    run_billing(b, "2026-01", "run1")
    terminate_lease(b, "L1", date(2026, 1, 10), date(2026, 1, 10), "terminated")
    assert b.invoices["L1-m1"].amount == D("1000.00")  # 10 of 31 days
    assert run_billing(b, "2026-02", "run2") == []
    assert b.ledger.trial_balance() == 0


def test_termination_after_payment_credits_the_tenant() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["2800.00", "2800.00"]), "signed")
    run_billing(b, "2026-01", "r1")
    run_billing(b, "2026-02", "r2")
    receive_payment(b, ReceivePayment("p", "t1", D("5600.00"), None, date(2026, 2, 1)), "p")
    terminate_lease(b, "L1", date(2026, 2, 14), date(2026, 2, 14), "terminated")
    assert b.invoices["L1-m2"].amount == D("1400.00")
    assert b.credits["t1"] == D("1400.00")


def test_aging_buckets_and_dunning_tiers_escalate_once_each() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["100.00", "200.00"]), "signed")
    run_billing(b, "2026-01", "r1")
    run_billing(b, "2026-02", "r2")
    as_of = date(2026, 3, 20)  # L1/1 due 16 Jan (63 days), L1/2 due 16 Feb (32 days)
    assert aging(b.invoices.values(), as_of) == {
        "0-30": 0, "31-60": D("200.00"), "61-90": D("100.00"), "90+": 0,
    }  # fmt: skip
    tiers = {n.invoice_id: n.tier for n in run_dunning(b, as_of, "d1")}
    assert tiers == {"L1-m1": DunningTier.FINAL_NOTICE, "L1-m2": DunningTier.ESCALATION}
    assert run_dunning(b, as_of, "d2") == []


def test_terminating_after_a_month_was_cancelled_credits_nothing_more() -> None:
    b = books()
    schedule_lease(b, "L1", "t1", monthly_lines(["3100.00", "3100.00"]), "signed")
    run_billing(b, "2026-01", "r1")
    run_billing(b, "2026-02", "r2")
    cancel_invoice(b, "L1-m2", date(2026, 2, 2), "cancel")
    terminate_lease(b, "L1", date(2026, 1, 10), date(2026, 1, 10), "terminated")
    assert b.invoices["L1-m2"].amount == 0
    assert b.invoices["L1-m1"].amount == D("1000.00")
    assert b.ledger.balances()[Account.REVENUE_RENT] == D("-1000.00")


def test_a_billing_period_before_the_park_was_registered_is_refused() -> None:
    assert billable_period("2026-03", date(2026, 3, 31)) == "2026-03"
    with pytest.raises(Unprocessable) as refused:
        billable_period("2026-02", date(2026, 3, 1))
    assert refused.value.field == "period"
