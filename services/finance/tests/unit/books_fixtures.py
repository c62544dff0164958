"""Builders for finance unit tests."""

from datetime import date, timedelta
from decimal import Decimal

from finance.domain.billing import ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.ledger import Stream

D = Decimal
START = date(2026, 1, 1)


def books() -> ParkBooks:
    return ParkBooks(park_id="p1", group_id="g1")


def monthly_lines(rents: list[str], starts_on: date = START) -> list[ScheduleLine]:
    lines, first = [], starts_on
    for month, rent in enumerate(rents, start=1):
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        lines.append(
            ScheduleLine(month=month, starts_on=first, ends_on=nxt - timedelta(days=1), rent=D(rent))
        )
        first = nxt
    return lines


def invoice(b: ParkBooks, payer: str, amount: str, on: date = START, cause: str | None = None) -> str:
    cause = cause or f"req-{len(b.applied)}"
    b.first_time(cause)
    return b.issue_invoice(payer, Stream.RENT, D(amount), on, cause, "test").invoice_id
