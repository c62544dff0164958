"""The commands of the tickets service, as the domain takes them: frozen values, checked by the domain."""

from dataclasses import dataclass
from datetime import datetime

from tickets.domain.calendar import ALWAYS, SlaCalendar
from tickets.domain.catalog import TicketCategory
from tickets.domain.record import Location
from tickets.domain.sla import DEFAULT_AUTO_CLOSE_DAYS, ParkSla, PolicyOverride
from tickets.domain.work import Labour, Material


@dataclass(frozen=True)
class OpenTicket:
    """OpenTicket as asked: category and priority by name (unknown ones are refused by the domain)."""

    category: str
    priority: str
    title: str
    description: str = ""
    building: str | None = None
    unit_id: str | None = None
    attachments: tuple[str, ...] = ()
    tenant_id: str | None = None  # staff opening a ticket on behalf of a tenant
    opened_at: datetime | None = None  # staff importing a ticket: when it opened in the old system


@dataclass(frozen=True)
class NewTicket:
    """A ticket to open, once its id, tenant, opener, time and park SLA are known."""

    ticket_id: str
    sla: ParkSla
    asked: OpenTicket
    tenant_id: str | None
    opened_by: str
    at: datetime
    recorded_at: datetime | None = None  # when it is recorded (the clock), if not `at`

    @property
    def imported(self) -> bool:
        return self.asked.opened_at is not None

    @property
    def location(self) -> Location:
        return Location(building=self.asked.building, unit_id=self.asked.unit_id)


@dataclass(frozen=True)
class Step:
    """A bare action (acknowledge, start, close), dated `at` when staff record it from the old system."""

    at: datetime | None = None


@dataclass(frozen=True)
class Assign:
    team: str
    technician: str | None = None
    at: datetime | None = None  # every action: staff recording a step from the old system (default now)


@dataclass(frozen=True)
class Defer:
    until: datetime
    reason: str
    at: datetime | None = None


@dataclass(frozen=True)
class RecordWork:
    labour: tuple[Labour, ...] = ()
    materials: tuple[Material, ...] = ()
    at: datetime | None = None


@dataclass(frozen=True)
class Resolve:
    billable: bool = False
    acknowledge: bool = False  # an open ticket: acknowledge and resolve as one recorded step
    payer_id: str | None = None  # who pays a billable ticket, when not (or other than) its tenant
    at: datetime | None = None


@dataclass(frozen=True)
class Reopen:
    reason: str
    at: datetime | None = None


@dataclass(frozen=True)
class Rate:
    score: int
    comment: str = ""
    at: datetime | None = None  # staff recording a rating given in the old system (an imported ticket)


@dataclass(frozen=True)
class ConfigureSla:
    """ConfigureParkSla: a park's overrides, calendar, business-hours categories and auto-close delay."""

    overrides: tuple[PolicyOverride, ...] = ()
    calendar: SlaCalendar = ALWAYS
    business_hours_categories: tuple[TicketCategory, ...] = ()
    auto_close_days: int = DEFAULT_AUTO_CLOSE_DAYS

    def for_park(self, park_id: str, group_id: str) -> ParkSla:
        return ParkSla(
            park_id=park_id,
            group_id=group_id,
            overrides=self.overrides,
            calendar=self.calendar,
            business_hours_categories=frozenset(self.business_hours_categories),
            auto_close_days=self.auto_close_days,
        )
