"""A monthly matchmaking meeting: its date, the enterprises invited and who attended.

Attendance is what finance charges the per-enterprise meeting fee for (MatchmakingMeetingAttended)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from parkops_contracts.base import Event
from parkops_contracts.events.matchmaking import MatchmakingMeetingAttended
from parkops_kernel.errors import Conflict, NotFound


@dataclass
class Meeting:
    meeting_id: str
    park_id: str
    group_id: str
    title: str
    held_on: date
    participants: dict[str, str]  # tenant id -> that enterprise's park
    proposal_ids: list[str] = field(default_factory=list)
    attended: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def record_attendance(self, tenant_id: str, at: datetime) -> None:
        """An invited enterprise attended; each enterprise is recorded (and charged) once."""
        park_id = self.participants.get(tenant_id)
        if park_id is None:
            raise NotFound(f"enterprise {tenant_id} is not a participant of meeting {self.meeting_id}")
        if tenant_id in self.attended:
            raise Conflict(f"attendance of {tenant_id} at meeting {self.meeting_id} is already recorded")
        self.attended.append(tenant_id)
        self.events.append(
            MatchmakingMeetingAttended(
                park_id=park_id,
                group_id=self.group_id,
                meeting_id=self.meeting_id,
                meeting_park_id=self.park_id,
                tenant_id=tenant_id,
                meeting_date=self.held_on,
                attended_at=at,
            )
        )
