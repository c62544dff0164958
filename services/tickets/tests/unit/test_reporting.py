from datetime import timedelta

from tickets.domain.catalog import TicketCategory
from tickets.domain.reporting import (
    SlaState,
    open_by_age,
    percentile,
    scorecard,
    sla_state,
    times_by_category,
)
from tickets.domain.ticket import Ticket

from .factory import T0, new_ticket

H = timedelta(hours=1)


def resolved(response_h: float, resolution_h: float, score: int | None = None) -> Ticket:
    ticket = new_ticket()
    ticket.acknowledge(T0 + response_h * H)
    ticket.resolve(T0 + resolution_h * H, billable=False, auto_close_at=T0 + 500 * H)
    if score is not None:
        ticket.rate(score, "", T0 + (resolution_h + 1) * H)
    return ticket


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 11)]
    assert (percentile(values, 50), percentile(values, 90)) == (5.0, 9.0)
    assert percentile([], 50) is None


def test_sla_state_of_an_open_ticket_moves_from_on_track_to_breached() -> None:
    ticket = new_ticket()  # response due in 2 h
    assert sla_state(ticket, T0) is SlaState.ON_TRACK
    assert sla_state(ticket, T0 + 1.9 * H) is SlaState.AT_RISK
    assert sla_state(ticket, T0 + 2 * H) is SlaState.BREACHED


def test_open_tickets_oldest_first_without_resolved_ones() -> None:
    old, new, done = new_ticket(at=T0 - H), new_ticket(at=T0), resolved(1, 2)
    assert open_by_age([new, done, old]) == [old, new]


def test_times_by_category_and_scorecard() -> None:
    tickets = [resolved(1, 10, 5), resolved(3, 20, 4), resolved(1, 60, 2), new_ticket()]
    (repair,) = times_by_category(tickets)
    assert repair.category == TicketCategory.REPAIR
    assert repair.resolved == 3
    assert (repair.response_p50_seconds, repair.response_p90_seconds) == (3600, 3 * 3600)
    assert repair.resolution_p50_seconds == 20 * 3600
    card = scorecard(tickets, T0, T0 + 1000 * H)
    assert (card.resolved, card.sla_met, card.rated, card.satisfied) == (3, 1, 3, 2)
    assert card.satisfaction_rate == 2 / 3
    assert scorecard(tickets, T0 + 999 * H, T0 + 1000 * H).sla_compliance is None


def test_the_scorecard_counts_the_rating_of_each_resolution_of_a_reopened_ticket() -> None:
    ticket = resolved(1, 10, 2)
    ticket.reopen("not fixed", T0 + 12 * H)
    ticket.resolve(T0 + 20 * H, billable=False, auto_close_at=T0 + 500 * H)
    ticket.rate(5, "fixed", T0 + 21 * H)
    card = scorecard([ticket], T0, T0 + 1000 * H)
    assert (card.rated, card.satisfied) == (2, 1)
