"""Read-side rules: a ticket's SLA state, open tickets by age, percentiles, compliance, satisfaction."""

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from parkops_kernel import figures
from pydantic import BaseModel

from tickets.domain.record import Rating, TicketRecord
from tickets.domain.state import ACTIVE, TicketState

AT_RISK_SHARE = 0.2  # under a fifth of a target's time left
R = TypeVar("R", bound=TicketRecord)


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def sla_state(ticket: TicketRecord, now: datetime) -> SlaState:
    if ticket.breaches or any(due <= now for due in ticket.pending.values()):
        return SlaState.BREACHED
    if ticket.response_outcome == "breached" or ticket.resolution_outcome == "breached":
        return SlaState.BREACHED
    for due in ticket.pending.values():
        span = (due - ticket.opened_at).total_seconds()
        if span > 0 and (due - now).total_seconds() < AT_RISK_SHARE * span:
            return SlaState.AT_RISK
    return SlaState.ON_TRACK


def open_by_age(tickets: Iterable[R]) -> list[R]:
    """Active tickets, oldest first."""
    return sorted((t for t in tickets if t.state in ACTIVE), key=lambda t: (t.opened_at, t.ticket_id))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in (0, 100]); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class Percentiles(BaseModel):
    """p50 and p90 of some durations in seconds (None of none)."""

    p50: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> "Percentiles":
        return cls(p50=percentile(values, 50), p90=percentile(values, 90))


class CategoryTimes(BaseModel):
    category: str
    resolved: int
    response: Percentiles
    resolution: Percentiles


def times_by_category(tickets: Iterable[TicketRecord]) -> list[CategoryTimes]:
    response: dict[str, list[float]] = {}
    resolution: dict[str, list[float]] = {}
    for t in tickets:
        if t.response_seconds is not None:
            response.setdefault(t.category.value, []).append(t.response_seconds)
        if t.resolution_seconds is not None:
            resolution.setdefault(t.category.value, []).append(t.resolution_seconds)
    return [
        CategoryTimes(
            category=c,
            resolved=len(resolution.get(c, [])),
            response=Percentiles.of(response.get(c, [])),
            resolution=Percentiles.of(resolution.get(c, [])),
        )
        for c in sorted(response.keys() | resolution.keys())
    ]


class Scorecard(BaseModel):
    """SLA compliance and satisfaction of a period, by the rules of `parkops_kernel.figures` (the same
    functions kpi scores with)."""

    resolved: int
    sla_met: int  # of those resolved, how many met both targets
    rated: int
    satisfied: int  # of those rated, how many rated 4 or 5
    sla_compliance: float | None
    satisfaction_rate: float | None


def ratings(ticket: TicketRecord) -> list[Rating]:
    """Every rating of the ticket, one per resolution rated: each counts."""
    return [*ticket.earlier_ratings, *([ticket.rating] if ticket.rating else [])]


def scorecard(tickets: Iterable[TicketRecord], start: datetime, end: datetime) -> Scorecard:
    """Tickets resolved in [start, end): share meeting both targets; ratings given in the period (every
    rating of every resolution): share of 4 and 5."""
    resolved = met = 0
    scores: list[int] = []
    for t in tickets:
        done = t.state in (TicketState.RESOLVED, TicketState.CLOSED) and t.resolved_at is not None
        if done and t.resolved_at is not None and start <= t.resolved_at < end:
            resolved += 1
            met += t.response_outcome == "met" and t.resolution_outcome == "met"
        scores.extend(r.score for r in ratings(t) if start <= r.rated_at < end)
    return Scorecard(
        resolved=resolved,
        sla_met=met,
        rated=len(scores),
        satisfied=sum(1 for score in scores if figures.is_satisfied(score)),
        sla_compliance=figures.sla_compliance(resolved, met),
        satisfaction_rate=figures.satisfaction(scores),
    )
