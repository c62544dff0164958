"""SLA policies per park x category x priority, and the park's SLA settings.

Defaults follow the service standards in `docs/domain.md`: every repair is answered within 2 hours (faster
for urgent ones), cleaning is done within the half-day round, security is answered at once around
the clock. A park overrides any cell, and chooses which categories run on its business-hours
calendar (the others run 24/7)."""

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from tickets.domain.calendar import ALWAYS, SlaCalendar
from tickets.domain.catalog import TicketCategory, TicketPriority

C, P = TicketCategory, TicketPriority
H = 3600


class SlaPolicy(BaseModel):
    """Targets in seconds of SLA-clock time."""

    model_config = ConfigDict(frozen=True)

    response_seconds: int = Field(gt=0)
    resolution_seconds: int = Field(gt=0)


def _policy(response_h: float, resolution_h: float) -> SlaPolicy:
    return SlaPolicy(response_seconds=int(response_h * H), resolution_seconds=int(resolution_h * H))


_BY_PRIORITY = {P.EMERGENCY: (0.25, 4), P.HIGH: (1, 24), P.NORMAL: (4, 72), P.LOW: (8, 168)}
_CATEGORY = {
    C.REPAIR: {P.EMERGENCY: (0.5, 4), P.HIGH: (1, 24), P.NORMAL: (2, 48), P.LOW: (2, 120)},
    C.CLEANING: {P.EMERGENCY: (0.5, 2), P.HIGH: (1, 6), P.NORMAL: (2, 12), P.LOW: (4, 24)},
    C.SECURITY: {P.EMERGENCY: (0.1, 1), P.HIGH: (0.25, 4), P.NORMAL: (1, 24), P.LOW: (4, 72)},
}
DEFAULT_POLICIES: dict[tuple[TicketCategory, TicketPriority], SlaPolicy] = {
    (c, p): _policy(*_CATEGORY.get(c, _BY_PRIORITY)[p]) for c in TicketCategory for p in TicketPriority
}
DEFAULT_AUTO_CLOSE_DAYS = 7


class PolicyOverride(BaseModel):
    category: TicketCategory
    priority: TicketPriority
    policy: SlaPolicy


class DueTimes(BaseModel):
    model_config = ConfigDict(frozen=True)

    response: datetime
    resolution: datetime


class ParkSla(BaseModel):
    """A park's SLA settings: overrides of the default policies, its calendar, auto-close delay."""

    park_id: str
    group_id: str
    overrides: tuple[PolicyOverride, ...] = ()
    calendar: SlaCalendar = ALWAYS
    business_hours_categories: frozenset[TicketCategory] = frozenset()
    auto_close_days: int = Field(default=DEFAULT_AUTO_CLOSE_DAYS, ge=1, le=365)

    @classmethod
    def default(cls, park_id: str, group_id: str) -> "ParkSla":
        return cls(park_id=park_id, group_id=group_id)

    def policy(self, category: TicketCategory, priority: TicketPriority) -> SlaPolicy:
        for o in self.overrides:
            if (o.category, o.priority) == (category, priority):
                return o.policy
        return DEFAULT_POLICIES[(category, priority)]

    def calendar_for(self, category: TicketCategory) -> SlaCalendar:
        return self.calendar if category in self.business_hours_categories else ALWAYS

    def due_times(self, category: TicketCategory, priority: TicketPriority, at: datetime) -> DueTimes:
        policy, calendar = self.policy(category, priority), self.calendar_for(category)
        return DueTimes(
            response=calendar.add(at, timedelta(seconds=policy.response_seconds)),
            resolution=calendar.add(at, timedelta(seconds=policy.resolution_seconds)),
        )

    def auto_close_at(self, resolved_at: datetime) -> datetime:
        return resolved_at + timedelta(days=self.auto_close_days)

    def configure(self, settings: "ParkSla") -> None:
        """Take the settings (and owner) of `settings`: a park's SLA is replaced as a whole."""
        for name in type(self).model_fields:
            setattr(self, name, getattr(settings, name))
