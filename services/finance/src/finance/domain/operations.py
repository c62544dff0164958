"""Operating costs, government subsidies received and the operator's bonus, booked by API or event."""

from datetime import date
from decimal import Decimal

from finance.domain.books import ParkBooks
from finance.domain.ledger import Account


def record_operating_cost(books: ParkBooks, amount: Decimal, what: str, on: date, cause: str) -> None:
    """Dr operating cost / Cr cash."""
    if books.first_time(cause):
        books.post(
            on, cause, f"operating cost: {what}", (Account.OPERATING_COST, amount), (Account.CASH, -amount)
        )


def record_subsidy_received(books: ParkBooks, amount: Decimal, what: str, on: date, cause: str) -> None:
    """Dr cash / Cr subsidy received (income, but not operating revenue)."""
    if books.first_time(cause):
        books.post(
            on,
            cause,
            f"subsidy received: {what}",
            (Account.CASH, amount),
            (Account.SUBSIDY_RECEIVED, -amount),
        )


def accrue_operator_bonus(books: ParkBooks, amount: Decimal, what: str, on: date, cause: str) -> None:
    """Dr operating cost / Cr accrued cost: the bonus is owed to the operator until paid."""
    if books.first_time(cause):
        books.post(
            on,
            cause,
            f"operator bonus: {what}",
            (Account.OPERATING_COST, amount),
            (Account.ACCRUED_COST, -amount),
        )
