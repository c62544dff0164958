"""Dunning as the business date advances: each tier once, on the day its threshold is passed, never again."""

from datetime import date, timedelta

from finance.domain.books import ParkBooks
from finance.domain.commands import ReceivePayment
from finance.domain.lease_billing import run_dunning
from finance.domain.payments import receive_payment
from finance.domain.receivables import DunningTier

from .books_fixtures import D, books, invoice

FIRST_DAY_OF = {1: DunningTier.REMINDER, 31: DunningTier.ESCALATION, 61: DunningTier.FINAL_NOTICE}


def overdue_books() -> tuple[ParkBooks, str, date]:
    b = books()
    invoice_id = invoice(b, "t1", "1000.00")
    return b, invoice_id, b.invoices[invoice_id].due_on


def test_each_tier_once_on_the_day_its_threshold_is_passed() -> None:
    b, invoice_id, due = overdue_books()
    sent: dict[int, list[tuple[str, DunningTier, int]]] = {}
    for day in range(-5, 200):  # one dunning run per business day, from before the due date
        notices = run_dunning(b, due + timedelta(days=day), f"run-{day}")
        if notices:
            sent[day] = [(n.invoice_id, DunningTier(n.tier), n.days_past_due) for n in notices]
    assert sent == {day: [(invoice_id, tier, day)] for day, tier in FIRST_DAY_OF.items()}


def test_a_repeated_run_of_any_date_sends_nothing_more() -> None:
    b, _, due = overdue_books()
    days = [0, 1, 15, 30, 31, 45, 60, 61, 90, 365]
    first = [len(run_dunning(b, due + timedelta(days=d), f"run-{d}")) for d in days]
    assert sum(first) == 3
    again = [len(run_dunning(b, due + timedelta(days=d), f"rerun-{d}")) for d in days + days[::-1]]
    assert again == [0] * len(again), "a re-run of an earlier or the same date (a redelivery) adds nothing"


def test_a_run_that_skips_days_still_sends_each_tier_at_most_once() -> None:
    b, invoice_id, due = overdue_books()
    tiers = [n.tier for d in (10, 75, 76, 300) for n in run_dunning(b, due + timedelta(days=d), f"r{d}")]
    assert tiers == [DunningTier.REMINDER, DunningTier.FINAL_NOTICE]
    assert b.invoices[invoice_id].dunned == [DunningTier.REMINDER, DunningTier.FINAL_NOTICE]


def test_a_paid_invoice_is_not_dunned_any_more() -> None:
    b, _, due = overdue_books()
    assert len(run_dunning(b, due + timedelta(days=5), "r1")) == 1
    receive_payment(b, ReceivePayment("pay", "t1", D("1000.00"), None, due + timedelta(days=6)), "pay")
    assert [run_dunning(b, due + timedelta(days=d), f"r{d}") for d in (40, 70)] == [[], []]
