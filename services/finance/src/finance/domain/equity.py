"""Equity stakes in tenants: acquired at cost, marked to valuation, gain realised on exit."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_kernel.money import Cents, cny
from pydantic import BaseModel


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
