"""Builders for finance unit tests."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from finance.domain.billing import WAIVED_FOR_EQUITY, ScheduleLine
from finance.domain.books import ParkBooks
from finance.domain.commands import Charge
from finance.domain.ledger import Stream
from finance.repository import BooksCodec
from finance.service import FinanceService
from parkops_contracts.base import Event
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.directory import ParkEntry, TenantEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.testing import MemoryAggregates

D = Decimal
START = date(2026, 1, 1)


def books() -> ParkBooks:
    return ParkBooks(park_id="p1", group_id="g1")


def monthly_lines(rents: list[str], starts_on: date = START) -> list[ScheduleLine]:
    """One lease month per rent; "W" is a month whose rent is waived for equity (rent 0)."""
    lines, first = [], starts_on
    for month, rent in enumerate(rents, start=1):
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        waived = rent == "W"
        lines.append(
            ScheduleLine(
                month=month,
                starts_on=first,
                ends_on=nxt - timedelta(days=1),
                rent=D(0) if waived else D(rent),
                rule=WAIVED_FOR_EQUITY if waived else None,
            )
        )
        first = nxt
    return lines


def invoice(b: ParkBooks, payer: str, amount: str, on: date = START, cause: str | None = None) -> str:
    cause = cause or f"req-{len(b.applied)}"
    b.first_time(cause)
    return b.issue_invoice(Charge(payer, Stream.RENT, D(amount), on, "test"), cause).invoice_id


def park(park_id: str = "p1", group_id: str = "g1", registered_on: date = START) -> ParkEntry:
    return ParkEntry(park_id, group_id, f"Park {park_id}", datetime.combine(registered_on, time(), UTC))


class MemoryDirectory:
    """The park directory as finance reads it, without a store."""

    def __init__(self, *parks: ParkEntry, tenants: tuple[tuple[str, str], ...] = ()) -> None:
        self.parks = {p.park_id: p for p in parks}
        self.tenants = {
            (park_id, tenant_id): TenantEntry(park_id, tenant_id, self.parks[park_id].group_id, tenant_id)
            for park_id, tenant_id in tenants
        }

    async def park(self, park_id: str) -> ParkEntry | None:
        return self.parks.get(park_id)

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        return self.tenants.get((park_id, tenant_id))


def replica(memory: MemoryAggregates, directory: MemoryDirectory | None = None) -> FinanceService:
    """One replica's use cases over the in-memory store (each call: its own memory of the books), on the
    park directory given (none known by default) and START as today."""
    store = AggregateStore(memory, BooksCodec(), outbound, kind="books")
    return FinanceService(store, directory or MemoryDirectory(), lambda: START)


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/finance", topic_prefix="test")
