"""The Ticket aggregate: one service request, its SLA clock, work, resolution and rating.

One ticket is one document; its methods check the lifecycle, change the state and record events
(never publish). Due times are kept in `pending` while a target can still be missed, which is what the
breach scanner indexes (see `tickets/breaches.py`)."""

from datetime import datetime

from parkops_contracts.events.tickets import (
    SlaTarget,
    TicketOpened,
    TicketRated,
    TicketReopened,
    TicketResolved,
)
from parkops_kernel.errors import Conflict, Unprocessable

from tickets.domain.catalog import parse_category, parse_priority
from tickets.domain.commands import NewTicket
from tickets.domain.lifecycle import TicketWork
from tickets.domain.payers import payer_of
from tickets.domain.record import Rating
from tickets.domain.state import TicketState, require_legal
from tickets.domain.work import billable_amount


class Ticket(TicketWork):
    @classmethod
    def open(cls, new: NewTicket) -> "Ticket":
        asked, sla, at = new.asked, new.sla, new.at
        category, priority = parse_category(asked.category), parse_priority(asked.priority)
        due = sla.due_times(category, priority, at)
        ticket = cls(
            ticket_id=new.ticket_id,
            park_id=sla.park_id,
            group_id=sla.group_id,
            tenant_id=new.tenant_id,
            category=category,
            priority=priority,
            title=asked.title,
            description=asked.description,
            location=new.location,
            attachments=list(asked.attachments),
            opened_by=new.opened_by,
            opened_at=at,
            imported=new.imported,
            calendar=sla.calendar_for(category),
            resolution_target_seconds=sla.policy(category, priority).resolution_seconds,
            response_due=due.response,
            resolution_due=due.resolution,
        )
        ticket.watch(new.recorded_at or at)  # an imported ticket's passed deadlines: judged by its steps
        ticket._restate(TicketOpened, **ticket.location.model_dump())
        return ticket

    def resolve(
        self,
        at: datetime,
        billable: bool,
        auto_close_at: datetime,
        acknowledge: bool = False,
        payer_id: str | None = None,
    ) -> None:
        """Resolve the work. An unacknowledged ticket is resolved only with `acknowledge`, recorded as
        one step: TicketAcknowledged and TicketResolved in the same write. A billable resolution names
        its payer (`payer_id`, else the ticket's tenant; 422 with neither)."""
        payer = payer_of(billable, self.tenant_id, payer_id)
        in_same_step = self.state is TicketState.OPEN
        if in_same_step and not acknowledge:
            raise Conflict(
                f"cannot resolve ticket {self.ticket_id}: it is open (not acknowledged); "
                "resolve with acknowledge=true to record acknowledgement and resolution as one step"
            )
        if in_same_step:
            self.acknowledge(at)
        require_legal("resolve", self.ticket_id, self.state)
        amount = billable_amount(self.labour, self.materials) if billable else billable_amount([], [])
        self.end_deferral(at)
        self.state, self.resolved_at, self.auto_close_at = TicketState.RESOLVED, at, auto_close_at
        self.resolution_seconds = max(0, self._clock(self.opened_at, at) - self.deferred_seconds)
        self.resolution_outcome = self.judge(SlaTarget.RESOLUTION, at, self.resolution_due)
        self.billable, self.billable_amount, self.payer_id = billable, str(amount), payer
        self._restate(TicketResolved, acknowledged_in_same_step=in_same_step)

    def reopen(self, reason: str, at: datetime, now: datetime | None = None) -> None:
        """Back to work; counted. The resolution clock restarts, a breach already claimed stays. A rating
        of the earlier resolution is kept aside: the next resolution is rated (or auto-closed) anew."""
        require_legal("reopen", self.ticket_id, self.state)
        if not reason.strip():
            raise Unprocessable("a reopening needs a reason", field="reason")
        if self.rating is not None:
            self.earlier_ratings, self.rating = [*self.earlier_ratings, self.rating], None
        self.state, self.reopen_count = TicketState.IN_PROGRESS, self.reopen_count + 1
        self.resolved_at = self.auto_close_at = self.closed_at = None
        self.resolution_seconds = self.resolution_outcome = None
        due = self.reopen_resolution_clock(at, now or at)
        self._record(
            TicketReopened, reopen_count=self.reopen_count, reason=reason, reopened_at=at, resolution_due=due
        )

    def close(self, at: datetime) -> None:
        require_legal("close", self.ticket_id, self.state)
        self.state, self.closed_at, self.auto_close_at = TicketState.CLOSED, at, None

    def rate(self, score: int, comment: str, at: datetime) -> None:
        """The tenant's satisfaction, 1-5, once per resolution (the ticket's resolution number is one
        more than its reopenings); a resolved ticket closes with it."""
        if not 1 <= score <= 5:
            raise Unprocessable(f"rating must be between 1 and 5, got {score}", field="score")
        require_legal("rate", self.ticket_id, self.state)
        if self.rating is not None:
            raise Conflict(f"ticket {self.ticket_id} was already rated {self.rating.score}")
        resolution = self.reopen_count + 1
        self.rating = Rating(resolution=resolution, score=score, comment=comment, rated_at=at)
        if self.state is TicketState.RESOLVED:
            self.close(at)
        self._record(TicketRated, **self.rating.model_dump(), tenant_id=self.tenant_id)

    def auto_close(self, now: datetime) -> bool:
        """Close a resolved, unrated ticket whose park's auto-close delay has run out."""
        due = self.state is TicketState.RESOLVED and self.rating is None
        if not due or self.auto_close_at is None or self.auto_close_at > now:
            return False
        self.close(now)
        return True
