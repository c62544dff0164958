"""Tickets as unit tests need them."""

from datetime import UTC, date, datetime
from typing import Any

from tickets.domain.calendar import OpeningHours, SlaCalendar
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.commands import NewTicket, OpenTicket
from tickets.domain.sla import ParkSla
from tickets.domain.ticket import Ticket

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, 17:00 in Shanghai

# Shanghai (UTC+8): Monday-Friday 09:00-12:00 and 13:00-18:00, 2 November 2026 is a holiday.
OFFICE = SlaCalendar(
    hours=tuple(
        OpeningHours(weekday=d, opens=o, closes=c) for d in range(5) for o, c in ((540, 720), (780, 1080))
    ),
    holidays=frozenset({date(2026, 11, 2)}),
)


def park_sla(**fields: Any) -> ParkSla:
    return ParkSla.model_validate({"park_id": "p1", "group_id": "g1"} | fields)


def new_ticket(
    category: TicketCategory = TicketCategory.REPAIR,
    priority: TicketPriority = TicketPriority.NORMAL,
    at: datetime = T0,
    sla: ParkSla | None = None,
    tenant_id: str | None = "tenant-1",
) -> Ticket:
    asked = OpenTicket(category.value, priority.value, "leaking tap")
    return Ticket.open(NewTicket("t1", sla or park_sla(), asked, tenant_id, "u1", at))
