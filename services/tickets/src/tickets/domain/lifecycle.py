"""Working a ticket: acknowledge, start, assign, defer, record labour and materials."""

from datetime import datetime, timedelta

from parkops_contracts.events.tickets import SlaTarget, TicketAcknowledged, TicketAssigned
from parkops_kernel.errors import Unprocessable

from tickets.domain.record import TicketRecord
from tickets.domain.state import TicketState, require_legal
from tickets.domain.work import MAX_LINES, Labour, Material


class TicketWork(TicketRecord):
    def acknowledge(self, at: datetime) -> None:
        require_legal("acknowledge", self.ticket_id, self.state)
        self.state, self.acknowledged_at = TicketState.ACKNOWLEDGED, at
        self.response_seconds = self._clock(self.opened_at, at)
        self.response_outcome = self.judge(SlaTarget.RESPONSE, at, self.response_due)
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
        """Put the work off until a date, with a reason. The resolution clock stops meanwhile: its due
        time moves later by the time deferred, and that time does not count in the resolution time. A
        new deferral ends the one under way; work resolved early counts only the time deferred so far."""
        require_legal("defer", self.ticket_id, self.state)
        if until <= at:
            raise Unprocessable("defer until must be in the future", field="until")
        if not reason.strip():
            raise Unprocessable("a deferral needs a reason", field="reason")
        self.end_deferral(at)
        self.deferred_since, self.deferred_until, self.defer_reason = at, until, reason
        self.undeferred_resolution_due = self.resolution_due
        self._set_resolution_due(self.calendar.add(self.resolution_due, self.calendar.elapsed(at, until)))

    def end_deferral(self, at: datetime) -> None:
        """End the deferral under way at `at` (or at its end); the due time keeps only the time deferred."""
        if (
            self.deferred_since is None
            or self.deferred_until is None
            or self.undeferred_resolution_due is None
        ):
            return
        deferred = self.calendar.elapsed(self.deferred_since, min(at, self.deferred_until))
        self.deferred_seconds += int(deferred.total_seconds())
        self._set_resolution_due(self.calendar.add(self.undeferred_resolution_due, deferred))
        self.deferred_since = self.deferred_until = self.defer_reason = self.undeferred_resolution_due = None

    def _set_resolution_due(self, due: datetime) -> None:
        self.resolution_due = due
        if SlaTarget.RESOLUTION in self.pending:  # what the breach scanner watches
            self.pending[SlaTarget.RESOLUTION] = due

    def record_work(self, labour: list[Labour], materials: list[Material]) -> None:
        require_legal("record work on", self.ticket_id, self.state)
        for name, lines, added in (("labour", self.labour, labour), ("materials", self.materials, materials)):
            if len(lines) + len(added) > MAX_LINES:
                raise Unprocessable(f"a ticket holds at most {MAX_LINES} lines of {name}", field=name)
        self.labour.extend(labour)
        self.materials.extend(materials)

    def reopen_resolution_clock(self, at: datetime, now: datetime) -> datetime:
        """The resolution clock restarts at `at`; scanned if its deadline lies ahead of `now` (a target
        is breached at most once; a late resolution still waiting for its claim keeps it)."""
        due = self.calendar.add(at, timedelta(seconds=self.resolution_target_seconds))
        self.resolution_due = due
        if SlaTarget.RESOLUTION not in self.pending:
            self.watch(now)
        return due

    def missed(self, target: SlaTarget, now: datetime) -> bool:
        """The target is still pending and its due time has passed."""
        due = self.pending.get(target)
        return due is not None and due <= now

    def note_breach(self, target: SlaTarget, at: datetime) -> None:
        """Mark a claimed breach on the ticket (the claim itself is stored once, elsewhere). A target met
        late leaves the scan with its claim."""
        self.breaches.setdefault(target, at)
        if self.closed(target):
            self.pending.pop(target, None)
