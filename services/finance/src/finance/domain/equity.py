"""Equity stakes in tenants: acquired at cost, marked to valuation, gain realised on exit."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_kernel.money import ZERO, Cents, cny
from pydantic import BaseModel, Field


class StakeOrigin(StrEnum):
    RENT_FOR_EQUITY = "rent_for_equity"
    PARK_FUND = "park_fund"


class Stake(BaseModel):
    stake_id: str
    tenant_id: str
    percent: Decimal
    cost_basis: Cents
    carrying: Cents
    origin: StakeOrigin
    acquired_on: date
    exited_on: date | None = None

    def marked_value(self, valuation: Decimal) -> Decimal:
        """The stake's share of a tenant valuation, rounded by the one rule."""
        return cny(valuation * self.percent / 100)

    @property
    def unrealised(self) -> Decimal:
        return self.carrying - self.cost_basis


class RentInKind(BaseModel):
    """Rent waived for equity: received (as the stake) at the agreement, earned in the months it
    replaces. Each waived month earns total ÷ months rounded by the one rule, the last one what is
    left, so the months add up to the total exactly; a termination earns what is left at once."""

    lease_id: str
    stake_id: str
    total: Cents
    months: int
    recognized: Cents = ZERO
    months_recognized: list[int] = Field(default_factory=list, description="Lease months earned.")

    @property
    def remaining(self) -> Decimal:
        return self.total - self.recognized

    def earn_month(self, month: int) -> Decimal:
        """Earn one waived lease month (once): its share of the total."""
        if month in self.months_recognized:
            return ZERO
        self.months_recognized.append(month)
        last = len(self.months_recognized) >= self.months
        amount = self.remaining if last else min(cny(self.total / self.months), self.remaining)
        self.recognized += amount
        return amount

    def earn_rest(self) -> Decimal:
        amount = self.remaining
        self.recognized += amount
        return amount
