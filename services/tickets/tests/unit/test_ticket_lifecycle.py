from datetime import timedelta
from decimal import Decimal

import pytest
from parkops_contracts.events.tickets import (
    SlaOutcome,
    SlaTarget,
    TicketAcknowledged,
    TicketAssigned,
    TicketOpened,
    TicketRated,
    TicketReopened,
    TicketResolved,
)
from parkops_kernel.errors import Conflict, Unprocessable
from tickets.domain.catalog import TicketCategory, TicketPriority, parse_category, parse_priority
from tickets.domain.commands import NewTicket, OpenTicket
from tickets.domain.due_index import entries_of
from tickets.domain.record import Location
from tickets.domain.state import TicketState
from tickets.domain.ticket import Ticket
from tickets.domain.work import Labour, Material

from .factory import OFFICE, T0, new_ticket, park_sla

H = timedelta(hours=1)


def test_opening_records_due_times_from_the_default_repair_policy() -> None:
    ticket = new_ticket()
    assert ticket.response_due == T0 + 2 * H  # repairs answered within 2 hours
    assert ticket.pending == {SlaTarget.RESPONSE: T0 + 2 * H, SlaTarget.RESOLUTION: T0 + 48 * H}
    (opened,) = ticket.events
    assert isinstance(opened, TicketOpened)
    assert opened.response_due == ticket.response_due


def test_every_repair_priority_is_answered_within_two_hours() -> None:
    for priority in TicketPriority:
        assert new_ticket(priority=priority).response_due <= T0 + 2 * H


def test_full_lifecycle_records_events_and_durations() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0 + 1 * H)
    ticket.assign("plumbing", "li", T0 + 1 * H)
    ticket.start_work()
    ticket.resolve(T0 + 3 * H, billable=False, auto_close_at=T0 + 100 * H)
    assert ticket.state is TicketState.RESOLVED
    kinds = [type(e) for e in ticket.events]
    assert kinds == [TicketOpened, TicketAcknowledged, TicketAssigned, TicketResolved]
    resolved = ticket.events[-1]
    assert isinstance(resolved, TicketResolved)
    assert (resolved.response_seconds, resolved.resolution_seconds) == (3600, 3 * 3600)
    assert resolved.response_outcome is resolved.resolution_outcome is SlaOutcome.MET
    assert not resolved.acknowledged_in_same_step
    assert ticket.pending == {}


def test_late_acknowledgement_is_a_breached_response() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0 + 3 * H)
    assert ticket.response_outcome is SlaOutcome.BREACHED


@pytest.mark.parametrize(
    ("action", "state"),
    [("start", "open"), ("close", "open"), ("rate", "open"), ("reopen", "acknowledged")],
)
def test_illegal_transition_is_a_conflict_naming_the_state(action: str, state: str) -> None:
    ticket = new_ticket()
    if state == "acknowledged":
        ticket.acknowledge(T0)
    calls = {
        "start": ticket.start_work,
        "close": lambda: ticket.close(T0),
        "rate": lambda: ticket.rate(5, "", T0),
        "reopen": lambda: ticket.reopen("again", T0),
    }
    with pytest.raises(Conflict, match=f"it is {state}"):
        calls[action]()


def test_acknowledging_twice_is_a_conflict() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    with pytest.raises(Conflict, match="it is acknowledged"):
        ticket.acknowledge(T0)


def test_resolving_an_unacknowledged_ticket_needs_the_one_step_form() -> None:
    ticket = new_ticket()
    with pytest.raises(Conflict, match="it is open"):
        ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H)
    assert ticket.state is TicketState.OPEN
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    acknowledged, resolved = ticket.events[1:]
    assert isinstance(acknowledged, TicketAcknowledged)
    assert isinstance(resolved, TicketResolved)
    assert resolved.acknowledged_in_same_step
    assert resolved.response_seconds == resolved.resolution_seconds == 3600


def test_reopening_is_counted_and_restarts_the_resolution_clock() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    ticket.reopen("still leaking", T0 + 5 * H)
    ticket.resolve(T0 + 6 * H, billable=False, auto_close_at=T0 + 100 * H)
    ticket.reopen("again", T0 + 7 * H)
    assert ticket.reopen_count == 2
    assert ticket.state is TicketState.IN_PROGRESS
    reopened = ticket.events[-1]
    assert isinstance(reopened, TicketReopened)
    assert reopened.reopen_count == 2
    assert ticket.pending[SlaTarget.RESOLUTION] == T0 + 7 * H + 48 * H


def test_a_claimed_resolution_breach_is_not_pending_again_after_reopening() -> None:
    ticket = new_ticket()
    ticket.breaches[SlaTarget.RESOLUTION] = T0 + 49 * H
    ticket.resolve(T0 + 50 * H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    ticket.reopen("no", T0 + 51 * H)
    assert SlaTarget.RESOLUTION not in ticket.pending


def test_deferral_needs_a_future_date_and_a_reason() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    with pytest.raises(Unprocessable):
        ticket.defer(T0 - H, "parts", T0)
    with pytest.raises(Unprocessable):
        ticket.defer(T0 + H, " ", T0)
    ticket.defer(T0 + 24 * H, "waiting for parts", T0)
    assert ticket.deferred_until == T0 + 24 * H


def test_a_deferral_stops_the_resolution_clock_for_its_length() -> None:
    ticket = new_ticket()  # a repair: resolution due 48 h after opening, on a 24/7 calendar
    ticket.acknowledge(T0 + H)
    ticket.defer(T0 + 34 * H, "waiting for parts", T0 + 10 * H)
    assert ticket.resolution_due == T0 + 72 * H
    assert ticket.pending[SlaTarget.RESOLUTION] == T0 + 72 * H  # what the breach scanner watches

    ticket.resolve(T0 + 60 * H, billable=False, auto_close_at=T0 + 100 * H)
    assert ticket.resolution_seconds == int((60 - 24) * H.total_seconds())
    assert ticket.resolution_outcome is SlaOutcome.MET
    assert ticket.deferred_until is None


def test_work_resolved_before_the_deferral_ends_counts_only_the_time_deferred() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0 + H)
    ticket.defer(T0 + 34 * H, "tenant away", T0 + 10 * H)
    ticket.defer(T0 + 40 * H, "tenant away longer", T0 + 20 * H)  # ends the first after 10 h
    assert ticket.resolution_due == T0 + (48 + 10 + 20) * H  # 10 h of the first, all of the second
    ticket.resolve(T0 + 30 * H, billable=False, auto_close_at=T0 + 100 * H)
    assert ticket.resolution_due == T0 + (48 + 20) * H  # deferred 10 + 10 h in all
    assert ticket.deferred_seconds == int(20 * H.total_seconds())
    assert ticket.resolution_seconds == int(10 * H.total_seconds())


def test_billable_amount_adds_labour_and_materials() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    ticket.record_work(
        [Labour(technician="li", hours=Decimal("1.5"), hourly_rate=Decimal("80"))],
        [Material(item="valve", quantity=Decimal(2), unit_price=Decimal("12.345"))],
    )
    ticket.resolve(T0 + H, billable=True, auto_close_at=T0 + 100 * H)
    resolved = ticket.events[-1]
    assert isinstance(resolved, TicketResolved)
    assert resolved.billable_amount == Decimal("144.69")
    assert resolved.billable


def test_non_billable_ticket_carries_zero() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    ticket.record_work([Labour(technician="li", hours=Decimal(1), hourly_rate=Decimal(80))], [])
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H)
    resolved = ticket.events[-1]
    assert isinstance(resolved, TicketResolved)
    assert resolved.billable_amount == Decimal("0.00")


def test_rating_once_between_one_and_five_closes_the_ticket() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    for bad in (0, 6):
        with pytest.raises(Unprocessable, match="between 1 and 5"):
            ticket.rate(bad, "", T0 + 2 * H)
    ticket.rate(5, "quick", T0 + 2 * H)
    assert ticket.state is TicketState.CLOSED
    assert isinstance(ticket.events[-1], TicketRated)
    with pytest.raises(Conflict, match="already rated"):
        ticket.rate(4, "", T0 + 3 * H)


def test_a_reopened_ticket_is_rated_and_auto_closed_anew_after_its_next_resolution() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    ticket.rate(2, "not fixed", T0 + 2 * H)
    ticket.reopen("still leaking", T0 + 3 * H)
    ticket.resolve(T0 + 5 * H, billable=False, auto_close_at=T0 + 200 * H)
    assert ticket.auto_close(T0 + 200 * H)  # unrated again: the auto-close applies
    ticket.rate(5, "fixed now", T0 + 201 * H)  # a rating of the new resolution
    assert [r.score for r in ticket.earlier_ratings] == [2]
    assert ticket.rating is not None
    assert ticket.rating.score == 5


def test_unknown_category_or_priority_lists_the_allowed_values() -> None:
    with pytest.raises(Unprocessable, match="repair, cleaning, security, it, meeting_room, complaint"):
        parse_category("plumbing")
    with pytest.raises(Unprocessable, match="emergency, high, normal, low"):
        parse_priority("urgent")
    assert parse_category("it") is TicketCategory.IT


def test_opening_keeps_what_was_asked_and_tells_it_in_the_event() -> None:
    sla = park_sla(calendar=OFFICE, business_hours_categories=[TicketCategory.CLEANING])
    asked = OpenTicket("cleaning", "low", "dusty hall", "second floor", "B", "B-101", ("ref-1",))
    ticket = Ticket.open(NewTicket("t7", sla, asked, "tenant-7", "u7", T0))
    assert (ticket.description, ticket.attachments, ticket.tenant_id) == (
        "second floor",
        ["ref-1"],
        "tenant-7",
    )
    assert ticket.calendar == OFFICE  # cleaning runs on the park's business hours
    (opened,) = ticket.events
    assert isinstance(opened, TicketOpened)
    assert (opened.tenant_id, opened.building, opened.unit_id) == ("tenant-7", "B", "B-101")
    plain = new_ticket()
    assert (plain.description, plain.attachments, plain.location) == ("", [], Location())


def test_an_illegal_move_names_the_ticket_and_the_states_it_is_allowed_from() -> None:
    ticket = new_ticket()
    moves = {
        "start work on": (ticket.start_work, "acknowledged"),
        "close": (lambda: ticket.close(T0), "resolved"),
        "rate": (lambda: ticket.rate(5, "", T0), "closed, resolved"),
        "reopen": (lambda: ticket.reopen("again", T0), "closed, resolved"),
        "defer": (lambda: ticket.defer(T0 + H, "parts", T0), "acknowledged, in_progress"),
    }
    for action, (move, allowed) in moves.items():
        with pytest.raises(
            Conflict, match=rf"^cannot {action} ticket t1: it is open \(allowed from: {allowed}\)$"
        ):
            move()
    ticket.acknowledge(T0)
    with pytest.raises(
        Conflict, match=r"cannot acknowledge ticket t1: it is acknowledged \(allowed from: open\)"
    ):
        ticket.acknowledge(T0)
    ticket.resolve(T0, billable=False, auto_close_at=T0 + H)
    ticket.close(T0)
    with pytest.raises(Conflict, match="cannot assign ticket t1: it is closed"):
        ticket.assign("a", None, T0)
    with pytest.raises(Conflict, match="cannot resolve ticket t1: it is closed"):
        ticket.resolve(T0, billable=False, auto_close_at=T0 + H)


def test_an_acknowledgement_exactly_at_the_due_time_meets_the_target() -> None:
    ticket = new_ticket()  # response due T0 + 2 h
    ticket.acknowledge(T0 + 2 * H)
    assert ticket.response_outcome is SlaOutcome.MET


def test_acknowledging_after_a_claimed_response_breach_still_works() -> None:
    ticket = new_ticket()
    ticket.pending.pop(SlaTarget.RESPONSE)  # as the breach scanner leaves a claimed target
    ticket.acknowledge(T0 + 3 * H)
    assert ticket.response_outcome is SlaOutcome.BREACHED


def test_assignment_names_team_and_technician() -> None:
    ticket = new_ticket()
    ticket.assign("plumbing", "li", T0)
    assigned = ticket.events[-1]
    assert isinstance(assigned, TicketAssigned)
    assert (assigned.team, assigned.technician, assigned.assigned_at) == ("plumbing", "li", T0)
    assert (ticket.team, ticket.technician) == ("plumbing", "li")


def test_a_deferral_until_now_is_refused_naming_the_field() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    with pytest.raises(Unprocessable, match="defer until must be in the future") as refused:
        ticket.defer(T0, "parts", T0)
    assert refused.value.field == "until"
    with pytest.raises(Unprocessable, match="a deferral needs a reason") as refused:
        ticket.defer(T0 + H, "", T0)
    assert refused.value.field == "reason"


def test_a_resolution_at_the_opening_instant_took_no_time() -> None:
    ticket = new_ticket()
    ticket.resolve(T0, billable=False, auto_close_at=T0 + H, acknowledge=True)
    assert (ticket.response_seconds, ticket.resolution_seconds) == (0, 0)


def test_resolution_and_rating_events_name_the_tenant() -> None:
    ticket = new_ticket(tenant_id="tenant-9")
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    ticket.rate(4, "ok", T0 + 2 * H)
    resolved, rated = ticket.events[-2:]
    assert isinstance(resolved, TicketResolved)
    assert isinstance(rated, TicketRated)
    assert (resolved.tenant_id, rated.tenant_id) == ("tenant-9", "tenant-9")
    assert (rated.score, rated.comment, rated.rated_at) == (4, "ok", T0 + 2 * H)


def test_a_ticket_reopened_after_its_resolution_breach_was_claimed_resolves_again() -> None:
    ticket = new_ticket()
    ticket.breaches[SlaTarget.RESOLUTION] = T0 + 48 * H
    ticket.pending.pop(SlaTarget.RESOLUTION)  # the claimed target is no longer pending
    ticket.resolve(T0 + 50 * H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    ticket.reopen("no", T0 + 51 * H)
    ticket.resolve(T0 + 52 * H, billable=False, auto_close_at=T0 + 100 * H)
    assert ticket.state is TicketState.RESOLVED


def test_reopening_needs_a_reason_and_clears_the_resolution() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=True, auto_close_at=T0 + 100 * H, acknowledge=True)
    with pytest.raises(Unprocessable, match=r"^a reopening needs a reason$") as refused:
        ticket.reopen("  ", T0 + 2 * H)
    assert refused.value.field == "reason"
    ticket.close(T0 + 2 * H)
    ticket.reopen("leaks again", T0 + 3 * H)
    cleared = (ticket.resolved_at, ticket.auto_close_at, ticket.closed_at)
    assert cleared == (None, None, None)
    assert (ticket.resolution_seconds, ticket.resolution_outcome) == (None, None)


def test_ratings_one_and_five_are_accepted_and_out_of_range_names_the_score() -> None:
    for score in (1, 5):
        ticket = new_ticket()
        ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
        ticket.rate(score, "", T0 + 2 * H)
        assert ticket.closed_at == T0 + 2 * H  # the rating closes the resolved ticket at its time
    with pytest.raises(Unprocessable) as refused:
        ticket.rate(0, "", T0)
    assert refused.value.field == "score"


def test_auto_close_closes_a_resolved_unrated_ticket_once_its_time_has_come() -> None:
    ticket = new_ticket()
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    assert not ticket.auto_close(T0 + 100 * H - timedelta(seconds=1))
    assert ticket.auto_close(T0 + 100 * H)
    assert (ticket.state, ticket.closed_at) == (TicketState.CLOSED, T0 + 100 * H)
    assert not ticket.auto_close(T0 + 200 * H)  # closed already


def test_an_amount_of_half_a_cent_rounds_up() -> None:
    ticket = new_ticket()
    ticket.acknowledge(T0)
    ticket.record_work([], [Material(item="washer", quantity=Decimal(1), unit_price=Decimal("0.125"))])
    ticket.resolve(T0 + H, billable=True, auto_close_at=T0 + 100 * H)
    resolved = ticket.events[-1]
    assert isinstance(resolved, TicketResolved)
    assert resolved.billable_amount == Decimal("0.13")  # half-even would give 0.12
    assert ticket.billable_amount == "0.13"


def test_missed_targets_are_the_pending_ones_whose_due_time_has_come() -> None:
    ticket = new_ticket()  # response due T0 + 2 h, resolution T0 + 48 h
    assert not ticket.missed(SlaTarget.RESPONSE, T0 + 2 * H - timedelta(seconds=1))
    assert ticket.missed(SlaTarget.RESPONSE, T0 + 2 * H)
    assert not ticket.missed(SlaTarget.RESOLUTION, T0 + 2 * H)
    ticket.acknowledge(T0 + H)
    assert not ticket.missed(SlaTarget.RESPONSE, T0 + 3 * H)  # met: no longer pending


def test_a_target_met_late_stays_pending_until_its_breach_is_claimed_dated_at_the_deadline() -> None:
    ticket = new_ticket()  # response due T0 + 2 h
    ticket.acknowledge(T0 + 3 * H)
    assert ticket.response_outcome is SlaOutcome.BREACHED
    assert ticket.missed(SlaTarget.RESPONSE, T0 + 3 * H)  # the scanner claims it
    assert ticket.breach_date(SlaTarget.RESPONSE, T0 + 5 * H) == T0 + 2 * H
    assert ticket.breach_date(SlaTarget.RESOLUTION, T0 + 50 * H) == T0 + 50 * H  # still open: when detected
    ticket.note_breach(SlaTarget.RESPONSE, T0 + 2 * H)
    assert [e.target for e in entries_of(ticket)] == ["resolution"]


def test_a_breach_is_noted_once_at_its_first_claim() -> None:
    ticket = new_ticket()
    ticket.note_breach(SlaTarget.RESPONSE, T0 + 2 * H)
    ticket.note_breach(SlaTarget.RESPONSE, T0 + 3 * H)
    assert ticket.breaches == {SlaTarget.RESPONSE: T0 + 2 * H}


def test_a_ticket_holds_at_most_five_hundred_lines_of_labour_and_of_materials() -> None:
    labour = Labour(technician="li", hours=Decimal(1), hourly_rate=Decimal(1))
    material = Material(item="washer", quantity=Decimal(1), unit_price=Decimal(1))
    ticket = new_ticket()
    ticket.record_work([labour] * 400, [material] * 400)
    ticket.record_work([labour] * 100, [material] * 100)  # exactly 500 of each
    for name, more in (("labour", ([labour], [])), ("materials", ([], [material]))):
        with pytest.raises(Unprocessable, match=f"^a ticket holds at most 500 lines of {name}$") as refused:
            ticket.record_work(*more)
        assert refused.value.field == name
    assert (len(ticket.labour), len(ticket.materials)) == (500, 500)
    with pytest.raises(Unprocessable, match="of labour"):
        new_ticket().record_work([labour] * 501, [])


def test_an_unknown_category_or_priority_names_its_field() -> None:
    for parse, field in ((parse_category, "category"), (parse_priority, "priority")):
        with pytest.raises(Unprocessable, match=f"^unknown {field} 'x'; allowed: ") as refused:
            parse("x")
        assert refused.value.field == field
    assert parse_priority("low") is TicketPriority.LOW
