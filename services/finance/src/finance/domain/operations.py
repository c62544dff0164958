"""Operating costs, government subsidies received and the operator's bonus, booked by API or event."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from finance.domain.books import ParkBooks
from finance.domain.ledger import Account


@dataclass(frozen=True)
class Booking:
    """Book an amount once per cause: Dr `debit` / Cr `credit`, memo `<label>: <what>`."""

    label: str
    debit: Account
    credit: Account

    def __call__(self, books: ParkBooks, amount: Decimal, what: str, on: date, cause: str) -> None:
        if books.first_time(cause):
            books.post(on, cause, f"{self.label}: {what}", (self.debit, amount), (self.credit, -amount))


record_operating_cost = Booking("operating cost", Account.OPERATING_COST, Account.CASH)
"""Dr operating cost / Cr cash."""
record_subsidy_received = Booking("subsidy received", Account.CASH, Account.SUBSIDY_RECEIVED)
"""Dr cash / Cr subsidy received (income, but not operating revenue)."""
accrue_operator_bonus = Booking("operator bonus", Account.OPERATING_COST, Account.ACCRUED_COST)
"""Dr operating cost / Cr accrued cost: the bonus is owed to the operator until paid."""
