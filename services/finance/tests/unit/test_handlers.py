"""Consumed events -> changes of a park's books, folded per park, each applied once, only for a park
the directory knows under the event's group."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from finance.domain.ledger import Account
from finance.handlers import ConsumedEventsHandler, NotThisParksEvent
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.finance import InvoiceIssued
from parkops_contracts.events.kpi import OperatorBonusEarned
from parkops_contracts.events.matchmaking import MatchmakingMeetingAttended
from parkops_contracts.events.tickets import TicketResolved
from parkops_runtime.consumer import Delivery
from parkops_runtime.testing import MemoryAggregates

from tests.support.events import ticket_resolved

from .books_fixtures import MemoryDirectory, park, replica

AT = datetime(2026, 5, 4, tzinfo=UTC)
DIRECTORY = MemoryDirectory(park("p0"), park("p1"), park("p2", "g2"))
P1 = {"park_id": "p1", "group_id": "g1"}  # the park whose books the events change


class Consumer(NamedTuple):
    """The consumed events handler of the parks of DIRECTORY, and the books it keeps."""

    repo: MemoryAggregates
    handle: ConsumedEventsHandler


@pytest.fixture
def consumer() -> Consumer:
    repo = MemoryAggregates()
    return Consumer(repo, ConsumedEventsHandler(replica(repo), DIRECTORY, wait_seconds=0))


def delivered(event: Event, event_id: str) -> Delivery:
    meta = CloudEventMeta(id=event_id, source="/parkops/x", type=event.ce_type(), time=AT)
    return Delivery(meta, event, {}, event.topic(), 0, 0)


def ticket(billable: bool, amount: str, **fields: Any) -> TicketResolved:
    values: dict[str, Any] = P1 | {"tenant_id": "t1", "resolved_at": AT, "billable": billable}
    return ticket_resolved(**(values | {"billable_amount": Decimal(amount)} | fields))


async def test_billable_tickets_and_meetings_are_invoiced_once_per_event(consumer: Consumer) -> None:
    repo, handle = consumer
    meeting = MatchmakingMeetingAttended(
        park_id="p0",
        group_id="g1",
        meeting_id="m1",
        meeting_park_id="p1",
        tenant_id="t2",
        meeting_date=date(2026, 5, 4),
        attended_at=AT,
    )
    batch = [
        delivered(ticket(True, "450.00"), "e1"),
        delivered(ticket(False, "0"), "e2"),
        delivered(meeting, "e3"),
        delivered(ticket(True, "450.00"), "e1"),  # redelivered in the same batch
    ]
    await handle(batch)
    await handle(batch)  # and again later
    issued = repo.events(InvoiceIssued)
    assert sorted((e.payer_id, e.amount, e.stream.value) for e in issued) == [
        ("t1", Decimal("450.00"), "property"),
        ("t2", Decimal("5000.00"), "industry_services"),
    ]
    assert all(e.park_id == "p1" for e in issued)  # the meeting is billed by the park that organised it
    assert set(repo.documents) == {"p1"}


async def test_the_operator_bonus_is_booked_once_as_an_accrued_cost(consumer: Consumer) -> None:
    repo, handle = consumer
    bonus = OperatorBonusEarned(
        **P1,
        assessment_id="a1",
        period="2026",
        results=[],
        overall_score=None,
        bonus_basis="revenue",
        basis_amount=Decimal("1000000"),
        bonus_share=Decimal("0.015"),
        amount=Decimal("15000.005"),
        assessed_at=AT,
    )
    await handle([delivered(bonus, "b1"), delivered(bonus, "b1")])
    await handle([delivered(bonus, "b1")])
    books = await replica(repo).read(park("p1"))
    balances = books.ledger.balances()
    assert balances[Account.OPERATING_COST] == Decimal("15000.01")  # rounded half-up when posted
    assert balances[Account.ACCRUED_COST] == Decimal("-15000.01")


@pytest.mark.parametrize(
    ("park_id", "group_id"),
    [("unknown", "g1"), ("p2", "g1")],  # a park the directory does not know; a park of another group
)
async def test_events_of_a_park_not_the_groups_create_no_books(
    consumer: Consumer, park_id: str, group_id: str
) -> None:
    repo, handle = consumer
    stray = ticket(True, "450.00", park_id=park_id, group_id=group_id)
    with pytest.raises(NotThisParksEvent, match=park_id):
        await handle([delivered(stray, "e1"), delivered(ticket(True, "100.00"), "e2")])
    # the rest of the batch is booked; the consumer dead-letters the stray
    assert set(repo.documents) == {"p1"}
    assert [e.amount for e in repo.events(InvoiceIssued)] == [Decimal("100.00")]


async def test_an_event_waits_a_moment_for_its_park_to_reach_the_directory() -> None:
    repo, directory = MemoryAggregates(), MemoryDirectory()
    handle = ConsumedEventsHandler(replica(repo), directory, wait_seconds=5)

    async def registered_soon() -> None:
        await asyncio.sleep(0.2)
        directory.parks["p1"] = park("p1")

    await asyncio.gather(handle([delivered(ticket(True, "450.00"), "e1")]), registered_soon())
    assert set(repo.documents) == {"p1"}
