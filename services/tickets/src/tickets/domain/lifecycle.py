"""Working a ticket: acknowledge, start, assign, defer, record labour and materials."""

from datetime import datetime, timedelta

from parkops_contracts.events.tickets import SlaTarget, TicketAcknowledged, TicketAssigned
from parkops_runtime.errors import Unprocessable

from tickets.domain.record import TicketRecord, outcome
from tickets.domain.state import TicketState, require_legal
from tickets.domain.work import Labour, Material


class TicketWork(TicketRecord):
    def acknowledge(self, at: datetime) -> None:
        require_legal("acknowledge", self.ticket_id, self.state)
        self.state, self.acknowledged_at = TicketState.ACKNOWLEDGED, at
        self.response_seconds = self._clock(self.opened_at, at)
        self.response_outcome = outcome(at, self.response_due)
        self.pending.pop(SlaTarget.RESPONSE, None)
        self._record(
            TicketAcknowledged,
            acknowledged_at=at,
            response_seconds=self.response_seconds,
            response_outcome=self.response_outcome,
        )

    def start_work(self) -> None:
        require_legal("start work on", self.ticket_id, self.state)
        self.state = TicketState.IN_PROGRESS

    def assign(self, team: str, technician: str | None, at: datetime) -> None:
        require_legal("assign", self.ticket_id, self.state)
        self.team, self.technician = team, technician
        self._record(TicketAssigned, team=team, technician=technician, assigned_at=at)

    def defer(self, until: datetime, reason: str, at: datetime) -> None:
        """Put the work off until a date, with a reason (the SLA clock keeps running)."""
        require_legal("defer", self.ticket_id, self.state)
        if until <= at:
            raise Unprocessable("defer until must be in the future")
        if not reason.strip():
            raise Unprocessable("a deferral needs a reason")
        self.deferred_until, self.defer_reason = until, reason

    def record_work(self, labour: list[Labour], materials: list[Material]) -> None:
        require_legal("record work on", self.ticket_id, self.state)
        self.labour.extend(labour)
        self.materials.extend(materials)

    def reopen_resolution_clock(self, at: datetime) -> datetime:
        due = self.calendar.add(at, timedelta(seconds=self.resolution_target_seconds))
        self.resolution_due = due
        if SlaTarget.RESOLUTION not in self.breaches:  # a target is breached at most once
            self.pending[SlaTarget.RESOLUTION] = due
        return due

    def missed(self, target: SlaTarget, now: datetime) -> bool:
        """The target is still pending and its due time has passed."""
        due = self.pending.get(target)
        return due is not None and due <= now

    def note_breach(self, target: SlaTarget, at: datetime) -> None:
        """Mark a claimed breach on the ticket (the claim itself is stored once, elsewhere)."""
        self.breaches.setdefault(target, at)
