"""Request and response bodies of the tickets API (input and output kept separate)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from parkops_kernel.bounds import (
    BusinessDate,
    BusinessTime,
    ClientId,
    Code,
    LongText,
    Money,
    Name,
    Quantity,
    Seconds,
    Text,
)
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tickets.domain.calendar import OpeningHours
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.reporting import SlaState
from tickets.domain.sla import DEFAULT_AUTO_CLOSE_DAYS

MAX_ATTACHMENTS = 20
MAX_WORK_LINES = 100  # per request; a ticket holds at most `tickets.domain.work.MAX_LINES`
MAX_OPENING_HOURS = 50
MAX_HOLIDAYS = 1_000


def _utc_if_naive(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Instant = Annotated[BusinessTime, AfterValidator(_utc_if_naive)]
"""A point in time within 1900-2199; one without a time zone is taken as UTC."""
Hours = Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2, allow_inf_nan=False)]


class Input(BaseModel):
    """A request body: a field it does not know is a mistake worth a 422, not something to drop."""

    model_config = ConfigDict(extra="forbid")


class TicketCreate(Input):
    category: Code = Field(description="repair, cleaning, security, it, meeting_room, complaint")
    priority: Code = Field(default="normal", description="emergency, high, normal, low")
    title: Name
    description: LongText = ""
    building: Name | None = None
    unit_id: ClientId | None = None
    attachments: list[Name] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS, description="References to stored files."
    )
    tenant_id: ClientId | None = Field(default=None, description="Staff only: the tenant it is for.")


class AssignBody(Input):
    team: Name
    technician: Name | None = None


class DeferBody(Input):
    until: Instant
    reason: Text


class LabourIn(Input):
    technician: Name
    hours: Hours
    hourly_rate: Money


class MaterialIn(Input):
    item: Name
    quantity: Quantity
    unit_price: Money


class WorkBody(Input):
    labour: list[LabourIn] = Field(default_factory=list, max_length=MAX_WORK_LINES)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=MAX_WORK_LINES)


class ResolveBody(Input):
    billable: bool = False
    acknowledge: bool = Field(
        default=False, description="Resolve an unacknowledged ticket: acknowledge and resolve as one step."
    )


class ReopenBody(Input):
    reason: Text


class RatingBody(Input):
    score: int = Field(ge=1, le=5, description="1 to 5.")
    comment: LongText = ""


class TicketPublic(BaseModel):
    ticket_id: str
    park_id: str
    tenant_id: str | None
    category: str
    priority: str
    title: str
    state: str
    opened_at: datetime
    response_due: datetime
    resolution_due: datetime
    sla_state: SlaState
    breached_targets: list[str]
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_seconds: int | None
    resolution_seconds: int | None
    team: str | None
    technician: str | None
    deferred_until: datetime | None
    reopen_count: int
    billable: bool
    billable_amount: Decimal | None
    rating: int | None
    building: str | None
    unit_id: str | None
    attachments: list[str]


class OpenTicketPublic(TicketPublic):
    age_seconds: int


class PolicyIn(Input):
    """Targets in seconds of SLA-clock time, at most ten years."""

    response_seconds: Seconds
    resolution_seconds: Seconds


class OverrideIn(Input):
    category: TicketCategory
    priority: TicketPriority
    policy: PolicyIn


class CalendarIn(Input):
    """No `hours` = open around the clock. Otherwise open only in `hours`, never on `holidays`."""

    timezone: Code = "Asia/Shanghai"
    hours: list[OpeningHours] = Field(default_factory=list, max_length=MAX_OPENING_HOURS)
    holidays: list[BusinessDate] = Field(default_factory=list, max_length=MAX_HOLIDAYS)


class SlaSettings(Input):
    """A park's SLA settings; omitted parts take the defaults."""

    overrides: list[OverrideIn] = Field(
        default_factory=list, max_length=len(TicketCategory) * len(TicketPriority)
    )
    calendar: CalendarIn = Field(default_factory=CalendarIn)
    business_hours_categories: list[TicketCategory] = Field(
        default_factory=list, max_length=len(TicketCategory)
    )
    auto_close_days: int = Field(default=DEFAULT_AUTO_CLOSE_DAYS, ge=1, le=365)
