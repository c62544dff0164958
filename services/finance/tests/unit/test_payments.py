from decimal import Decimal

import pytest
from finance.domain.commands import ReceivePayment
from finance.domain.ledger import Account
from finance.domain.payments import cancel_invoice, receive_payment
from finance.domain.receivables import InvoiceStatus
from parkops_kernel.errors import Conflict, NotFound

from .books_fixtures import START, books, invoice

D = Decimal


def test_partial_then_full_payment_settles_the_invoice() -> None:
    b = books()
    inv = invoice(b, "t1", "1000.00")
    receive_payment(b, ReceivePayment("pay1", None, D("400.00"), inv, START), "pay1")
    assert b.invoices[inv].outstanding == D("600.00")
    receive_payment(b, ReceivePayment("pay2", None, D("600.00"), inv, START), "pay2")
    assert b.invoices[inv].status is InvoiceStatus.PAID
    assert b.ledger.balances()[Account.RECEIVABLES] == 0
    assert b.ledger.trial_balance() == 0


def test_payment_goes_to_the_oldest_open_invoice_first_and_overpayment_is_credit() -> None:
    b = books()
    newer = invoice(b, "t1", "300.00", START.replace(month=2))
    older = invoice(b, "t1", "200.00", START)
    receive_payment(b, ReceivePayment("pay", "t1", D("700.00"), None, START), "pay")
    assert b.invoices[older].status is InvoiceStatus.PAID
    assert b.invoices[newer].status is InvoiceStatus.PAID
    assert b.credits["t1"] == D("200.00")
    assert b.events[-1].credited == D("200.00")  # type: ignore[attr-defined]
    carried = invoice(b, "t1", "150.00")
    assert b.invoices[carried].status is InvoiceStatus.PAID  # credit carried forward
    assert b.credits["t1"] == D("50.00")
    assert b.ledger.balances()[Account.CUSTOMER_CREDIT] == D("-50.00")


def test_the_named_invoice_is_settled_before_older_ones() -> None:
    b = books()
    older = invoice(b, "t1", "200.00", START)
    named = invoice(b, "t1", "300.00", START.replace(month=3))
    receive_payment(b, ReceivePayment("pay", None, D("300.00"), named, START), "pay")
    assert b.invoices[named].status is InvoiceStatus.PAID
    assert b.invoices[older].outstanding == D("200.00")


def test_unknown_invoice_is_404_and_cancelled_invoice_is_409() -> None:
    b = books()
    inv = invoice(b, "t1", "100.00")
    with pytest.raises(NotFound):
        receive_payment(b, ReceivePayment("p", None, D("1.00"), "nope", START), "p")
    cancel_invoice(b, inv, START, "cancel")
    with pytest.raises(Conflict):
        receive_payment(b, ReceivePayment("p", None, D("1.00"), inv, START), "p")
    assert b.ledger.balances()[Account.REVENUE_RENT] == 0


def test_cancelling_a_partly_paid_invoice_turns_the_payment_into_credit() -> None:
    b = books()
    inv = invoice(b, "t1", "100.00")
    receive_payment(b, ReceivePayment("p", None, D("30.00"), inv, START), "p")
    cancel_invoice(b, inv, START, "cancel")
    assert b.credits["t1"] == D("30.00")
    assert b.ledger.trial_balance() == 0
    assert b.ledger.balances()[Account.RECEIVABLES] == 0


def test_a_replayed_payment_has_no_second_effect() -> None:
    b = books()
    inv = invoice(b, "t1", "100.00")
    for _ in range(3):
        receive_payment(b, ReceivePayment("p", None, D("30.00"), inv, START), "same-request")
    assert b.invoices[inv].paid == D("30.00")
    assert len(b.events) == 3  # the invoice, its revenue and one payment
    assert all(e.cause for e in b.ledger.entries)
