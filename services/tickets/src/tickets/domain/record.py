"""What a ticket document holds: the Ticket aggregate's fields and event recording."""

from datetime import datetime
from functools import cache

from parkops_contracts.base import Event
from parkops_contracts.events.tickets import SlaOutcome, SlaTarget
from parkops_kernel.recording import RecordsEvents
from pydantic import BaseModel, Field

from tickets.domain.calendar import SlaCalendar
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.state import TicketState
from tickets.domain.work import Labour, Material


class Location(BaseModel):
    building: str | None = None
    unit_id: str | None = None


class Rating(BaseModel):
    resolution: int = Field(default=1, ge=1, description="Which resolution of the ticket it rates.")
    score: int
    comment: str
    rated_at: datetime


def outcome(at: datetime, due: datetime) -> SlaOutcome:
    return SlaOutcome.MET if at <= due else SlaOutcome.BREACHED


class TicketRecord(RecordsEvents[Event]):
    ticket_id: str
    park_id: str
    group_id: str
    tenant_id: str | None
    category: TicketCategory
    priority: TicketPriority
    title: str
    description: str = ""
    location: Location = Field(default_factory=Location)
    attachments: list[str] = Field(default_factory=list)
    opened_by: str
    opened_at: datetime
    imported: bool = Field(default=False, description="Opened dated in the past, from the old system.")
    stepped_at: datetime | None = Field(default=None, description="The time of the last recorded action.")
    state: TicketState = TicketState.OPEN
    calendar: SlaCalendar
    resolution_target_seconds: int
    response_due: datetime
    resolution_due: datetime
    pending: dict[SlaTarget, datetime] = Field(default_factory=dict, description="Targets still open.")
    breaches: dict[SlaTarget, datetime] = Field(default_factory=dict, description="Claimed breaches.")
    acknowledged_at: datetime | None = None
    response_seconds: int | None = None
    response_outcome: SlaOutcome | None = None
    team: str | None = None
    technician: str | None = None
    deferred_since: datetime | None = None
    deferred_until: datetime | None = None
    defer_reason: str | None = None
    undeferred_resolution_due: datetime | None = None
    deferred_seconds: int = Field(default=0, description="Time deferred, left out of resolution_seconds.")
    labour: list[Labour] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    resolved_at: datetime | None = None
    resolution_seconds: int | None = None
    resolution_outcome: SlaOutcome | None = None
    billable: bool = False
    billable_amount: str | None = None
    payer_id: str | None = Field(default=None, description="Who pays the billable resolution.")
    reopen_count: int = 0
    auto_close_at: datetime | None = None
    closed_at: datetime | None = None
    rating: Rating | None = None
    earlier_ratings: list[Rating] = Field(default_factory=list, description="Of resolutions since reopened.")

    @property
    def latest_step(self) -> datetime:
        """The time of the latest recorded step: a dated step may not lie before it."""
        rated = [r.rated_at for r in (*self.earlier_ratings, *([self.rating] if self.rating else []))]
        times = [self.opened_at, self.stepped_at, self.acknowledged_at, self.resolved_at, *rated]
        return max(t for t in times if t is not None)

    def closed(self, target: SlaTarget) -> bool:
        """Whether the step that meets `target` is recorded (acknowledgement, resolution)."""
        return (self.acknowledged_at if target is SlaTarget.RESPONSE else self.resolved_at) is not None

    def judge(self, target: SlaTarget, at: datetime, due: datetime) -> SlaOutcome:
        """The outcome of the step meeting `target` at `at` (its effective time). Missed and not yet
        claimed, the target stays pending at its due time: the breach scanner claims it (once), dated
        at the deadline."""
        result = outcome(at, due)
        if result is SlaOutcome.BREACHED and target not in self.breaches:
            self.pending[target] = due
        else:
            self.pending.pop(target, None)
        return result

    def watch(self, now: datetime) -> None:
        """Give the breach scanner every open target whose deadline lies ahead of `now` (when a step is
        recorded). A deadline already passed when it was recorded (a ticket imported, or reopened, dated
        in the past) is not scanned: the step meeting it judges it by its effective time."""
        dues = {SlaTarget.RESPONSE: self.response_due, SlaTarget.RESOLUTION: self.resolution_due}
        for target, due in dues.items():
            if due > now and not self.closed(target) and target not in self.breaches:
                self.pending[target] = due

    def breach_date(self, target: SlaTarget, now: datetime) -> datetime:
        """When a breach claimed at `now` is dated: at the deadline when its step was recorded late (at
        its effective time, perhaps from the old system), else when detected."""
        due = self.pending.get(target)
        return due if due is not None and self.closed(target) else now

    def _record(self, event: type[Event], **fields: object) -> None:
        ids = {"ticket_id": self.ticket_id, "park_id": self.park_id, "group_id": self.group_id}
        self._events.append(event.model_validate(ids | fields))

    def _restate(self, event: type[Event], **fields: object) -> None:
        """Record an event that says what the ticket holds under the same field names, with `fields` for
        the rest."""
        held = {name: getattr(self, name) for name in restated_fields(event)}
        self._record(event, **(held | fields))

    def _clock(self, since: datetime, until: datetime) -> int:
        return int(self.calendar.elapsed(since, until).total_seconds())


@cache
def restated_fields(event: type[Event]) -> tuple[str, ...]:
    """The fields of `event` a ticket holds under the same names (what `_restate` copies)."""
    return tuple(name for name in event.model_fields if name in TicketRecord.model_fields)
