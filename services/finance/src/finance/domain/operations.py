"""Operating costs, government subsidies received and the operator's bonus, booked by API or event.

Each posts through `ParkBooks.post`, which announces it: a cost (Dr operating cost) as CostRecognized, a
subsidy the park received (Cr subsidy received) as SubsidyReceived, naming `source` (the cost's or
subsidy's id; the bonus: its assessment)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from parkops_contracts.events.finance import CostKind

from finance.domain.books import ParkBooks
from finance.domain.ledger import Account


@dataclass(frozen=True)
class Booking:
    """Book an amount once per cause: Dr `debit` / Cr `credit`, memo `<label>: <what>`."""

    label: str
    debit: Account
    credit: Account
    kind: CostKind = CostKind.OPERATING

    def __call__(
        self, books: ParkBooks, amount: Decimal, what: str, on: date, cause: str, *, source: str = ""
    ) -> None:
        """`source` names the cost or subsidy (its cause when not given)."""
        if books.first_time(cause):
            lines = (self.debit, amount), (self.credit, -amount)
            memo = f"{self.label}: {what}"
            books.post(on, cause, memo, *lines, source=source or cause, cost=self.kind, about=what)


record_operating_cost = Booking("operating cost", Account.OPERATING_COST, Account.CASH)
"""Dr operating cost / Cr cash."""
record_subsidy_received = Booking("subsidy received", Account.CASH, Account.SUBSIDY_RECEIVED)
"""Dr cash / Cr subsidy received (income, but not operating revenue)."""
accrue_operator_bonus = Booking(
    "operator bonus", Account.OPERATING_COST, Account.ACCRUED_COST, CostKind.OPERATOR_BONUS
)
"""Dr operating cost / Cr accrued cost: the bonus is owed to the operator until paid."""
