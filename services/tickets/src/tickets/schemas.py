"""Request and response bodies of the tickets API (input and output kept separate)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tickets.domain.calendar import ALWAYS, SlaCalendar
from tickets.domain.catalog import TicketCategory
from tickets.domain.reporting import SlaState
from tickets.domain.sla import DEFAULT_AUTO_CLOSE_DAYS, PolicyOverride
from tickets.domain.work import Labour, Material


class Input(BaseModel):
    """A request body: a field it does not know is a mistake worth a 422, not something to drop."""

    model_config = ConfigDict(extra="forbid")


class TicketCreate(Input):
    category: str = Field(description="repair, cleaning, security, it, meeting_room, complaint")
    priority: str = Field(default="normal", description="emergency, high, normal, low")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    building: str | None = None
    unit_id: str | None = None
    attachments: list[str] = Field(default_factory=list, description="References to stored files.")
    tenant_id: str | None = Field(default=None, description="Staff only: the tenant it is for.")


class AssignBody(Input):
    team: str = Field(min_length=1)
    technician: str | None = None


class DeferBody(Input):
    until: datetime
    reason: str


class WorkBody(Input):
    labour: list[Labour] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)


class ResolveBody(Input):
    billable: bool = False
    acknowledge: bool = Field(
        default=False, description="Resolve an unacknowledged ticket: acknowledge and resolve as one step."
    )


class ReopenBody(Input):
    reason: str


class RatingBody(Input):
    score: int = Field(description="1 to 5.")
    comment: str = Field(default="", max_length=2000)


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


class SlaSettings(Input):
    """A park's SLA settings; omitted parts take the defaults."""

    overrides: list[PolicyOverride] = Field(default_factory=list)
    calendar: SlaCalendar = ALWAYS
    business_hours_categories: list[TicketCategory] = Field(default_factory=list)
    auto_close_days: int = Field(default=DEFAULT_AUTO_CLOSE_DAYS, ge=1, le=365)
