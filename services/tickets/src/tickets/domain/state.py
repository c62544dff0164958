"""The ticket lifecycle: open -> acknowledged -> in_progress -> resolved -> closed, plus reopening.

Each action is legal from the listed states only; anything else is a Conflict naming the state."""

from enum import StrEnum

from parkops_kernel.errors import Conflict


class TicketState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


S = TicketState
ACTIVE = frozenset({S.OPEN, S.ACKNOWLEDGED, S.IN_PROGRESS})
LEGAL_FROM: dict[str, frozenset[TicketState]] = {
    "acknowledge": frozenset({S.OPEN}),
    "start work on": frozenset({S.ACKNOWLEDGED}),
    "assign": ACTIVE,
    "defer": frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS}),
    "record work on": ACTIVE,
    "resolve": frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS}),
    "reopen": frozenset({S.RESOLVED, S.CLOSED}),
    "close": frozenset({S.RESOLVED}),
    "rate": frozenset({S.RESOLVED, S.CLOSED}),
}


def require_legal(action: str, ticket_id: str, state: TicketState) -> None:
    if state not in LEGAL_FROM[action]:
        allowed = ", ".join(sorted(s.value for s in LEGAL_FROM[action]))
        raise Conflict(f"cannot {action} ticket {ticket_id}: it is {state.value} (allowed from: {allowed})")
