"""Labour and materials recorded on a ticket, and the billable amount they add up to (CNY)."""

from collections.abc import Sequence
from decimal import Decimal

from parkops_kernel.money import cny
from pydantic import BaseModel, ConfigDict, Field

MAX_LINES = 500
"""Labour or material lines one ticket holds: a ticket is one document, and bounded."""


class Labour(BaseModel):
    model_config = ConfigDict(frozen=True)

    technician: str = Field(min_length=1)
    hours: Decimal = Field(gt=0, le=1000)
    hourly_rate: Decimal = Field(ge=0)

    @property
    def amount(self) -> Decimal:
        return self.hours * self.hourly_rate


class Material(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal = Field(ge=0)

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


def billable_amount(labour: Sequence[Labour], materials: Sequence[Material]) -> Decimal:
    """Labour plus materials, rounded half-up to the cent once, at the end."""
    total = sum((x.amount for x in labour), Decimal(0)) + sum((m.amount for m in materials), Decimal(0))
    return cny(total)
