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
    assert (repair.response.p50, repair.response.p90) == (3600, 3 * 3600)
    assert repair.resolution.p50 == 20 * 3600
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


def test_percentile_edges() -> None:
    assert percentile([7.0], 50) == 7.0
    assert percentile([3.0, 1.0], 50) == 1.0  # nearest rank: ceil(0.5 * 2) = 1st
    hundred_and_one = [float(v) for v in range(1, 102)]
    assert percentile(hundred_and_one, 50) == 51.0  # ceil(50.5) = 51st


def test_times_by_category_picks_the_nearest_rank_of_each_category() -> None:
    tickets = [resolved(n / 10, n) for n in range(1, 11)]  # responses 0.1..1 h, resolutions 1..10 h
    cleaning = new_ticket(category=TicketCategory.CLEANING)
    cleaning.acknowledge(T0 + 0.5 * H)  # answered, not resolved
    (clean, repair) = times_by_category([*tickets, cleaning])
    assert (repair.response.p50, repair.response.p90) == (0.5 * 3600, 0.9 * 3600)
    assert (repair.resolution.p50, repair.resolution.p90) == (5 * 3600, 9 * 3600)
    two = times_by_category([resolved(1, 2), resolved(1.5, 3)])[0]
    assert (two.response.p50, two.resolution.p50) == (3600, 2 * 3600)
    assert clean.category == TicketCategory.CLEANING
    assert (clean.resolved, clean.response.p50, clean.resolution.p90) == (0, 1800, None)


def test_a_breached_outcome_keeps_a_ticket_breached_when_nothing_is_pending() -> None:
    late_answer = new_ticket()
    late_answer.acknowledge(T0 + 3 * H)  # response breached, resolution still on track
    assert sla_state(late_answer, T0 + 3 * H) is SlaState.BREACHED
    late_fix = resolved(1, 50)  # response met, resolution breached, nothing pending
    assert sla_state(late_fix, T0 + 50 * H) is SlaState.BREACHED
    on_time = resolved(1, 2)
    assert sla_state(on_time, T0 + 2 * H) is SlaState.ON_TRACK


def test_exactly_a_fifth_of_the_time_left_is_still_on_track() -> None:
    ticket = new_ticket()  # response due in 2 h: at risk under 24 min left
    assert sla_state(ticket, T0 + 96 * timedelta(minutes=1)) is SlaState.ON_TRACK
    assert sla_state(ticket, T0 + 96 * timedelta(minutes=1) + timedelta(seconds=1)) is SlaState.AT_RISK


def test_the_scorecard_needs_both_targets_met_and_counts_the_period_start_not_its_end() -> None:
    both, slow_answer, slow_fix = resolved(1, 10, 5), resolved(3, 10, 4), resolved(1, 50, 2)
    more = resolved(1, 20)
    card = scorecard([both, more, slow_answer, slow_fix], T0, T0 + 1000 * H)
    assert (card.resolved, card.sla_met, card.sla_compliance) == (4, 2, 0.5)
    at_start = scorecard([both], T0 + 10 * H, T0 + 11 * H)  # resolved at 10 h, rated at 11 h
    assert (at_start.resolved, at_start.rated) == (1, 0)
    at_end = scorecard([both], T0 + 9 * H, T0 + 10 * H)
    assert (at_end.resolved, at_end.rated, at_end.sla_compliance, at_end.satisfaction_rate) == (
        0,
        0,
        None,
        None,
    )
    rated_at_start = scorecard([both], T0 + 11 * H, T0 + 12 * H)
    assert (rated_at_start.rated, rated_at_start.satisfied) == (1, 1)
