"""Receivables rules at their edges: payment terms, aging buckets, dunning tiers, allocation order.

Expected values come from the rules (README "Events", docs/domain.md), counted by hand: an invoice is due
15 days after issue; aging 0-30 / 31-60 / 61-90 / 90+ days past due; dunning `reminder` 1-30,
`escalation` 31-60, `final_notice` beyond 60, once per tier."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from finance.domain.commands import Charge
from finance.domain.lease_billing import run_dunning
from finance.domain.ledger import Stream
from finance.domain.receivables import (
    DunningTier,
    Invoice,
    InvoiceStatus,
    Movement,
    aging,
    aging_bucket,
    allocate,
    days_past_due,
    dunning_tier,
    oldest_first,
)

from .books_fixtures import START, books

D = Decimal
DUE = date(2026, 1, 16)  # an invoice issued on 1 January is due 15 days later


def open_invoice(
    invoice_id: str = "I1", amount: str = "100.00", payer: str = "t1", issued_on: date = START
) -> Invoice:
    return Invoice(
        invoice_id=invoice_id,
        payer_id=payer,
        stream=Stream.RENT,
        description="rent",
        amount=D(amount),
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=15),
        cause="c",
        movements=[Movement(on=issued_on, change=D(amount))],
    )


def test_an_invoice_is_due_fifteen_days_after_issue() -> None:
    b = books()
    b.first_time("c")
    issued = b.issue_invoice(Charge("t1", Stream.RENT, D("10.00"), START, "rent"), "c")
    assert issued.due_on == DUE
    assert issued.invoice_id == "INV-000001"
    assert (
        b.issue_invoice(Charge("t1", Stream.RENT, D("10.00"), START, "rent"), "c").invoice_id == "INV-000002"
    )


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(-5, "0-30"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
     (91, "90+")],
)  # fmt: skip
def test_aging_buckets_at_their_edges(days_late: int, bucket: str) -> None:
    inv = open_invoice()
    as_of = DUE + timedelta(days=days_late)
    assert days_past_due(inv, as_of) == max(days_late, 0)
    assert aging_bucket(inv, as_of) == bucket
    expected = {"0-30": D(0), "31-60": D(0), "61-90": D(0), "90+": D(0)} | {bucket: D("100.00")}
    assert aging([inv], as_of) == expected


def test_aging_counts_only_what_is_outstanding() -> None:
    part_paid, paid, cancelled, other = (
        open_invoice("A"),
        open_invoice("B"),
        open_invoice("C"),
        open_invoice("E"),
    )
    part_paid.settle(D("30.00"), START)
    paid.settle(D("100.00"), START)
    cancelled.status = InvoiceStatus.CANCELLED
    cancelled.moved(START, D("-100.00"))
    invoices = [part_paid, paid, cancelled, other]
    assert aging(invoices, DUE) == {"0-30": D("170.00"), "31-60": 0, "61-90": 0, "90+": 0}


@pytest.mark.parametrize(
    ("days_late", "tier"),
    [(-1, None), (0, None), (1, DunningTier.REMINDER), (30, DunningTier.REMINDER),
     (31, DunningTier.ESCALATION), (60, DunningTier.ESCALATION), (61, DunningTier.FINAL_NOTICE),
     (400, DunningTier.FINAL_NOTICE)],
)  # fmt: skip
def test_dunning_tiers_at_their_edges(days_late: int, tier: DunningTier | None) -> None:
    assert dunning_tier(open_invoice(), DUE + timedelta(days=days_late)) == tier


def test_a_settled_invoice_is_never_dunned() -> None:
    paid = open_invoice()
    paid.settle(D("100.00"), START)
    assert paid.status is InvoiceStatus.PAID
    assert dunning_tier(paid, DUE + timedelta(days=45)) is None


def test_dunning_notices_carry_the_invoice_its_lateness_and_what_is_left() -> None:
    b = books()
    b.first_time("c")
    b.issue_invoice(Charge("t1", Stream.RENT, D("9.00"), date(2026, 3, 1), "not due yet"), "c")
    inv = b.issue_invoice(Charge("t1", Stream.RENT, D("100.00"), START, "rent"), "c")
    inv.settle(D("40.00"), START)
    (notice,) = run_dunning(b, DUE + timedelta(days=5), "d1")
    assert (notice.invoice_id, notice.payer_id, notice.tier) == (inv.invoice_id, "t1", "reminder")
    assert (notice.days_past_due, notice.outstanding, notice.as_of) == (5, D("60.00"), date(2026, 1, 21))
    assert (notice.park_id, notice.group_id, notice.cause) == ("p1", "g1", "d1")
    assert run_dunning(b, DUE + timedelta(days=30), "d2") == []  # still the reminder tier
    later = run_dunning(b, DUE + timedelta(days=31), "d3")
    assert [(n.tier, n.days_past_due) for n in later] == [("escalation", 31)]
    assert b.events[-1] is later[0]
    assert inv.dunned == [DunningTier.REMINDER, DunningTier.ESCALATION]


def test_oldest_open_invoice_of_the_payer_first_then_by_id() -> None:
    b_ = open_invoice("B", issued_on=START)
    a_ = open_invoice("A", issued_on=START)
    older = open_invoice("Z", issued_on=START - timedelta(days=1))
    other_payer = open_invoice("C", payer="t2", issued_on=START - timedelta(days=9))
    paid = open_invoice("D", issued_on=START - timedelta(days=9))
    paid.settle(D("100.00"), START)
    assert [i.invoice_id for i in oldest_first([b_, a_, older, other_payer, paid], "t1")] == ["Z", "A", "B"]


def test_allocation_fills_the_named_invoice_then_the_others_in_order() -> None:
    first, second, named = open_invoice("A", "50.00"), open_invoice("B", "80.00"), open_invoice("N", "30.00")
    allocations, left = allocate([first, named, second], D("100.00"), named)
    assert [(i.invoice_id, a) for i, a in allocations] == [
        ("N", D("30.00")),
        ("A", D("50.00")),
        ("B", D("20.00")),
    ]
    assert left == 0
    allocations, left = allocate([first, second], D("200.00"))
    assert [(i.invoice_id, a) for i, a in allocations] == [("A", D("50.00")), ("B", D("80.00"))]
    assert left == D("70.00")


def test_allocation_skips_a_settled_invoice() -> None:
    settled, due = open_invoice("A", "50.00"), open_invoice("B", "80.00")
    settled.settle(D("50.00"), START)
    allocations, left = allocate([settled, due], D("10.00"))
    assert [(i.invoice_id, a) for i, a in allocations] == [("B", D("10.00"))]
    assert left == 0


def test_settling_part_keeps_the_invoice_open() -> None:
    inv = open_invoice()
    inv.settle(D("99.99"), START)
    assert inv.status is InvoiceStatus.OPEN
    assert inv.outstanding == D("0.01")
    inv.settle(D("0.01"), START)
    assert inv.status is InvoiceStatus.PAID
    assert inv.outstanding == 0
