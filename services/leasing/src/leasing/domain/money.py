"""Money and calendar rules shared by pricing and leases.

Rounding rule (the only one): amounts are `Decimal` CNY computed exactly and rounded once, per monthly
schedule line, half-up to 0.01 CNY (`ROUND_HALF_UP`). Totals are sums of already rounded lines, so a
schedule's total always equals the sum of its lines. Derived figures (waived rent, implied valuation)
are rounded the same way."""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cny(amount: Decimal) -> Decimal:
    """Round an exact amount to the cent, half-up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_period(starts_on: date, month_index: int) -> tuple[date, date]:
    """First and last day of the lease month `month_index` (0-based) of a lease starting `starts_on`.

    Computed from the start each time, so consecutive periods are contiguous and never drift."""
    first = add_months(starts_on, month_index)
    return first, add_months(starts_on, month_index + 1) - timedelta(days=1)


def lease_end(starts_on: date, term_months: int) -> date:
    """Last day (inclusive) of a lease of `term_months` starting `starts_on`."""
    return add_months(starts_on, term_months) - timedelta(days=1)
