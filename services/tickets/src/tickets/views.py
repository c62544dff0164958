"""Domain tickets to response bodies."""

from datetime import datetime
from decimal import Decimal

from tickets.domain.reporting import sla_state
from tickets.domain.ticket import Ticket
from tickets.schemas import OpenTicketPublic, TicketPublic


def ticket_public(t: Ticket, now: datetime) -> TicketPublic:
    return TicketPublic(
        ticket_id=t.ticket_id,
        park_id=t.park_id,
        tenant_id=t.tenant_id,
        category=t.category.value,
        priority=t.priority.value,
        title=t.title,
        state=t.state.value,
        opened_at=t.opened_at,
        response_due=t.response_due,
        resolution_due=t.resolution_due,
        sla_state=sla_state(t, now),
        breached_targets=sorted(target.value for target in t.breaches),
        acknowledged_at=t.acknowledged_at,
        resolved_at=t.resolved_at,
        closed_at=t.closed_at,
        response_seconds=t.response_seconds,
        resolution_seconds=t.resolution_seconds,
        team=t.team,
        technician=t.technician,
        deferred_until=t.deferred_until,
        reopen_count=t.reopen_count,
        billable=t.billable,
        billable_amount=Decimal(t.billable_amount) if t.billable_amount is not None else None,
        rating=t.rating.score if t.rating else None,
        building=t.location.building,
        unit_id=t.location.unit_id,
        attachments=t.attachments,
    )


def open_ticket_public(t: Ticket, now: datetime) -> OpenTicketPublic:
    return OpenTicketPublic(
        **ticket_public(t, now).model_dump(), age_seconds=int((now - t.opened_at).total_seconds())
    )
