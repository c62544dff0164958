"""Events published by the tickets service (service requests, their SLAs and satisfaction)."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from parkops_contracts.base import Event


class TicketCategory(StrEnum):
    REPAIR = "repair"
    CLEANING = "cleaning"
    SECURITY = "security"
    IT = "it"
    MEETING_ROOM = "meeting_room"
    COMPLAINT = "complaint"


class TicketPriority(StrEnum):
    EMERGENCY = "emergency"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class SlaTarget(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


class SlaOutcome(StrEnum):
    MET = "met"
    BREACHED = "breached"


class TicketsEvent(Event):
    SERVICE: ClassVar[str] = "tickets"
    KEY_FIELD: ClassVar[str] = "ticket_id"

    ticket_id: str


class TicketOpened(TicketsEvent):
    """A tenant user or a staff member opened a service ticket; due times follow the park's SLA policy."""

    tenant_id: str | None = Field(default=None, description="The enterprise it is for; none = staff.")
    category: TicketCategory
    priority: TicketPriority
    building: str | None = None
    unit_id: str | None = None
    title: str
    opened_by: str
    opened_at: datetime
    response_due: datetime
    resolution_due: datetime


class TicketAcknowledged(TicketsEvent):
    """Staff acknowledged the ticket: the response target is met or breached now."""

    acknowledged_at: datetime
    response_seconds: int = Field(ge=0, description="SLA-clock seconds from opening (calendar-aware).")
    response_outcome: SlaOutcome


class TicketAssigned(TicketsEvent):
    """The ticket was assigned to a team and optionally a technician."""

    team: str
    technician: str | None = None
    assigned_at: datetime


class TicketResolved(TicketsEvent):
    """The work is done. A billable ticket carries the amount for finance to invoice (CNY)."""

    tenant_id: str | None = None
    category: TicketCategory
    resolved_at: datetime
    acknowledged_in_same_step: bool = Field(description="Acknowledged and resolved as one recorded step.")
    response_seconds: int = Field(ge=0)
    resolution_seconds: int = Field(ge=0)
    response_outcome: SlaOutcome
    resolution_outcome: SlaOutcome
    billable: bool
    billable_amount: Decimal = Field(ge=0, description="Labour plus materials, CNY; 0 when not billable.")
    payer_id: str | None = Field(
        default=None, description="Who pays a billable ticket: the tenant, or the payer staff named."
    )


class TicketReopened(TicketsEvent):
    """A resolved or closed ticket was reopened; `reopen_count` counts every reopening."""

    reopen_count: int = Field(ge=1)
    reason: str
    reopened_at: datetime
    resolution_due: datetime


class TicketSlaBreached(TicketsEvent):
    """A target was missed; published exactly once per ticket and target."""

    category: TicketCategory
    priority: TicketPriority
    target: SlaTarget
    due_at: datetime
    detected_at: datetime


class TicketRated(TicketsEvent):
    """The tenant rated the service after a resolution (1-5, once per resolution: a reopened ticket
    resolved again is rated again, and every rating counts)."""

    tenant_id: str | None = None
    resolution: int = Field(default=1, ge=1, description="Which resolution of the ticket is rated.")
    score: int = Field(ge=1, le=5)
    comment: str = ""
    rated_at: datetime


PUBLISHED: tuple[type[Event], ...] = (
    TicketOpened,
    TicketAcknowledged,
    TicketAssigned,
    TicketResolved,
    TicketReopened,
    TicketSlaBreached,
    TicketRated,
)
