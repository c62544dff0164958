"""Billing schedules from leases: which rent is due in a period, and proration on termination.

A lease month is billed in the calendar period (`YYYY-MM`) its first day falls in, once: the schedule
remembers the months it billed, so running a period again bills nothing new. Rent-free months (rent 0)
are marked billed without an invoice. A termination stops billing after `terminated_on`; the month
that contains it is prorated by days occupied ÷ days in the lease month, rounded by the one rule."""

from datetime import date
from decimal import Decimal

from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import ZERO, Cents, cny
from pydantic import BaseModel, Field

WAIVED_FOR_EQUITY = "rent_for_equity"
"""The rule leasing names on a lease month whose rent is waived for equity (`RentLine.rule`)."""


class ScheduleLine(BaseModel):
    month: int
    starts_on: date
    ends_on: date
    rent: Cents
    rule: str | None = Field(default=None, description="The rule that waived the month's rent, if any.")


class LeaseSchedule(BaseModel):
    lease_id: str
    tenant_id: str
    lines: list[ScheduleLine]
    billed: dict[int, Cents] = Field(default_factory=dict, description="Lease month -> amount invoiced.")
    terminated_on: date | None = None
    cause: str

    def rent_due(self, line: ScheduleLine) -> Decimal:
        """The line's rent, prorated when the lease ends inside it, zero when it ends before it."""
        end = self.terminated_on
        if end is None or end >= line.ends_on:
            return line.rent
        if end < line.starts_on:
            return ZERO
        occupied = (end - line.starts_on).days + 1
        return cny(line.rent * occupied / ((line.ends_on - line.starts_on).days + 1))

    def due_in(self, period: str) -> list[tuple[ScheduleLine, Decimal]]:
        """Lines starting in `period` not billed yet, with the rent due (may be zero)."""
        return [
            (line, self.rent_due(line))
            for line in self.lines
            if line.starts_on.strftime("%Y-%m") == period and line.month not in self.billed
        ]

    def overbilled_after(self, terminated_on: date) -> list[tuple[int, Decimal]]:
        """Billed months whose invoice exceeds what is due once the lease ends `terminated_on`."""
        self.terminated_on = terminated_on
        by_month = {line.month: line for line in self.lines}
        excess = [(month, billed - self.rent_due(by_month[month])) for month, billed in self.billed.items()]
        return [(month, amount) for month, amount in excess if amount > ZERO]


def period_of(day: date) -> str:
    return day.strftime("%Y-%m")


def billable_period(period: str, park_registered_on: date) -> str:
    """A billing run's period (`YYYY-MM`): not before the month the park was registered (422)."""
    first = period_of(park_registered_on)
    if period < first:
        raise Unprocessable(f"period: {period} lies before the park was registered ({first})", "period")
    return period
