"""Request and response bodies of the tickets API (input and output kept separate), and their
conversions: a request body to the domain's command (`command()`), a domain value to a response body
(`of(...)`). No domain type is a field of these models: the routes never see one."""

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from parkops_contracts.events.tickets import TicketCategory, TicketPriority
from parkops_kernel.bounds import (
    ID_PATTERN,
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
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tickets.domain import calendar, commands, reporting
from tickets.domain import sla as slas
from tickets.domain.payers import INSTITUTION
from tickets.domain.ticket import Ticket
from tickets.domain.work import Labour, Material

MAX_ATTACHMENTS = 20
MAX_WORK_LINES = 100  # per request; a ticket holds at most `tickets.domain.work.MAX_LINES`
MAX_OPENING_HOURS = 50
MAX_HOLIDAYS = 1_000


def _utc_if_naive(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Instant = Annotated[BusinessTime, AfterValidator(_utc_if_naive)]
"""A point in time within 1900-2199; one without a time zone is taken as UTC."""
PayerId = Annotated[str, StringConstraints(pattern=rf"^(?:{INSTITUTION})?{ID_PATTERN.removeprefix('^')}")]
"""A tenant id of the park, or `institution:<id>` for a bank or fund (as finance names payers)."""
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
    opened_at: Instant | None = Field(
        default=None,
        description="Staff only, a ticket imported from the old system: when it opened (not in the future).",
    )

    def command(self) -> commands.OpenTicket:
        return commands.OpenTicket(
            **self.model_dump(exclude={"attachments"}), attachments=tuple(self.attachments)
        )


def _at() -> Any:
    return Field(
        default=None,
        description="Staff only, a ticket's history from the old system: when the step happened (default "
        "now; not in the future, not before the ticket's latest recorded step).",
    )


class Dated(Input):
    at: Instant | None = _at()


class StepBody(Dated):
    """The optional body of acknowledge, start and close: when the step happened."""

    def command(self) -> commands.Step:
        return commands.Step(self.at)


class AssignBody(Dated):
    team: Name
    technician: Name | None = None

    def command(self) -> commands.Assign:
        return commands.Assign(self.team, self.technician, self.at)


class DeferBody(Dated):
    until: Instant
    reason: Text

    def command(self) -> commands.Defer:
        return commands.Defer(self.until, self.reason, self.at)


class LabourIn(Input):
    technician: Name
    hours: Hours
    hourly_rate: Money


class MaterialIn(Input):
    item: Name
    quantity: Quantity
    unit_price: Money


class WorkBody(Dated):
    labour: list[LabourIn] = Field(default_factory=list, max_length=MAX_WORK_LINES)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=MAX_WORK_LINES)

    def command(self) -> commands.RecordWork:
        return commands.RecordWork(
            tuple(Labour.model_validate(line.model_dump()) for line in self.labour),
            tuple(Material.model_validate(line.model_dump()) for line in self.materials),
            self.at,
        )


class ResolveBody(Dated):
    billable: bool = False
    acknowledge: bool = Field(
        default=False, description="Resolve an unacknowledged ticket: acknowledge and resolve as one step."
    )

    payer_id: PayerId | None = Field(
        default=None,
        description="Who pays a billable ticket: a tenant of the park or `institution:<id>` "
        "(default: the ticket's tenant; required for a billable ticket without one).",
    )

    def command(self) -> commands.Resolve:
        return commands.Resolve(self.billable, self.acknowledge, self.payer_id, self.at)


class ReopenBody(Dated):
    reason: Text

    def command(self) -> commands.Reopen:
        return commands.Reopen(self.reason, self.at)


class RatingBody(Input):
    score: int = Field(ge=1, le=5, description="1 to 5.")
    comment: LongText = ""
    at: Instant | None = Field(
        default=None,
        description="Staff only, a ticket imported from the old system: when its tenant rated it there "
        "(not in the future, not before the ticket's latest recorded step).",
    )

    def command(self) -> commands.Rate:
        return commands.Rate(self.score, self.comment, self.at)


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


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
    payer_id: str | None
    rating: int | None
    building: str | None
    unit_id: str | None
    attachments: list[str]

    @classmethod
    def of(cls, t: Ticket, now: datetime) -> "TicketPublic":
        return cls(
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
            sla_state=SlaState(reporting.sla_state(t, now).value),
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
            payer_id=t.payer_id,
            rating=t.rating.score if t.rating else None,
            building=t.location.building,
            unit_id=t.location.unit_id,
            attachments=t.attachments,
        )


class OpenTicketPublic(TicketPublic):
    age_seconds: int

    @classmethod
    def aged(cls, t: Ticket, now: datetime) -> "OpenTicketPublic":
        return cls(
            **TicketPublic.of(t, now).model_dump(), age_seconds=int((now - t.opened_at).total_seconds())
        )


class CategoryTimes(BaseModel):
    category: str
    resolved: int
    response_p50_seconds: float | None
    response_p90_seconds: float | None
    resolution_p50_seconds: float | None
    resolution_p90_seconds: float | None

    @classmethod
    def of(cls, times: reporting.CategoryTimes) -> "CategoryTimes":
        spans = (("response", times.response), ("resolution", times.resolution))
        figures = {f"{span}_{q}_seconds": getattr(p, q) for span, p in spans for q in ("p50", "p90")}
        return cls.model_validate({"category": times.category, "resolved": times.resolved} | figures)


class Scorecard(BaseModel):
    resolved: int
    sla_met: int
    sla_compliance: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None

    @classmethod
    def of(cls, card: reporting.Scorecard) -> "Scorecard":
        return cls.model_validate(card.model_dump())


class OpeningHours(BaseModel):
    """Open from `opens` to `closes` (minutes after local midnight) on one weekday (0 = Monday)."""

    weekday: int = Field(ge=0, le=6)
    opens: int = Field(ge=0, lt=calendar.MINUTES_PER_DAY)
    closes: int = Field(gt=0, le=calendar.MINUTES_PER_DAY)


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
    auto_close_days: int = Field(default=slas.DEFAULT_AUTO_CLOSE_DAYS, ge=1, le=365)

    def command(self) -> commands.ConfigureSla:
        return commands.ConfigureSla(
            overrides=tuple(slas.PolicyOverride.model_validate(o.model_dump()) for o in self.overrides),
            calendar=calendar.SlaCalendar.model_validate(self.calendar.model_dump()),
            business_hours_categories=tuple(sorted(set(self.business_hours_categories))),
            auto_close_days=self.auto_close_days,
        )


class SlaPolicy(BaseModel):
    response_seconds: int
    resolution_seconds: int


class PolicyOverride(BaseModel):
    category: TicketCategory
    priority: TicketPriority
    policy: SlaPolicy


class SlaCalendar(BaseModel):
    timezone: str
    hours: list[OpeningHours]
    holidays: list[BusinessDate]


class ParkSla(BaseModel):
    """A park's SLA settings (the defaults where it set none)."""

    park_id: str
    group_id: str
    overrides: list[PolicyOverride]
    calendar: SlaCalendar
    business_hours_categories: list[TicketCategory]
    auto_close_days: int

    @classmethod
    def of(cls, sla: slas.ParkSla) -> "ParkSla":
        return cls.model_validate(sla.model_dump(mode="json"))
