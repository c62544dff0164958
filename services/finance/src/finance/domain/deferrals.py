"""Deferred revenue: a fee billed in advance for a service year (the smart-park platform fee) is
recognised one month at a time. Each month recognises total ÷ months rounded by the one rule; the last
month takes what is left, so the months always add up to the total exactly."""

from datetime import date
from decimal import Decimal

from parkops_kernel.money import ZERO, Cents, cny
from pydantic import BaseModel

from finance.domain.ledger import Stream


class Deferral(BaseModel):
    invoice_id: str
    stream: Stream
    total: Cents
    months: int
    starts_on: date
    recognized: Cents = ZERO
    months_recognized: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.total - self.recognized

    def month_start(self, index: int) -> date:
        """First day of the `index`-th (0-based) service month."""
        months = self.starts_on.month - 1 + index
        return date(self.starts_on.year + months // 12, months % 12 + 1, 1)

    def due_through(self, period: str) -> list[tuple[date, Decimal]]:
        """The months up to `period` (YYYY-MM) not recognised yet, with the amount each recognises."""
        due: list[tuple[date, Decimal]] = []
        left = self.remaining
        for index in range(self.months_recognized, self.months):
            start = self.month_start(index)
            if start.strftime("%Y-%m") > period:
                break
            amount = left if index == self.months - 1 else min(cny(self.total / self.months), left)
            due.append((start, amount))
            left -= amount
        return due
