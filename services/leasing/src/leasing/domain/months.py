"""Lease months: the calendar rules shared by pricing and leases.

Money follows the kernel's one rule (`parkops_kernel.money`): a rent line is computed exactly and rounded
once, half-up to the cent; a schedule's total is the sum of its rounded lines."""

import calendar
from datetime import date, timedelta


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
