"""Issue 16 in tickets: every action records its effective time (`at`, staff recording a ticket's history
from the old system), within bounds; the SLA judges each step by its effective time; an imported ticket's
deadlines already passed at import are judged by its steps, not by the breach scan."""

from datetime import datetime, timedelta

import pytest
from parkops_contracts.events import tickets as events
from parkops_contracts.events.tickets import SlaOutcome, SlaTarget
from parkops_kernel.errors import Forbidden, Unprocessable
from parkops_runtime.access import ParkAccess
from tickets.domain.commands import Assign, OpenTicket, Rate, Reopen, Resolve, Step
from tickets.domain.dating import step_at
from tickets.domain.due_index import AUTO_CLOSE, entries_of
from tickets.domain.reporting import scorecard
from tickets.domain.ticket import Ticket
from tickets.service import terms

from .service_fixtures import T0, Desk, staff, tenant

H = timedelta(hours=1)
DAY = timedelta(days=1)
THEN = T0 - 365 * DAY  # opened in the old system, last year; repair/high: response 1 h, resolution 24 h


@pytest.fixture
async def desk() -> Desk:
    desk = Desk()
    await desk.onboard("acme", ["u-1"])
    return desk


async def imported(desk: Desk, opened: datetime = THEN) -> str:
    asked = OpenTicket("repair", "high", "door jammed", tenant_id="acme", opened_at=opened)
    return (await desk.service.open_ticket(staff(), asked, None)).ticket_id


async def stored(desk: Desk, ticket_id: str) -> Ticket:
    return await desk.service.tickets.require(ticket_id)


def test_a_step_is_dated_now_or_by_staff_neither_in_the_future_nor_before_the_latest_step() -> None:
    latest = T0 - DAY
    assert step_at(None, T0, by_tenant=True, latest=latest) == T0
    assert step_at(latest, T0, by_tenant=False, latest=latest) == latest
    assert step_at(T0, T0, by_tenant=False, latest=latest) == T0
    for asked, by_tenant in ((T0 - H, True), (T0 + timedelta(seconds=1), False), (latest - H, False)):
        with pytest.raises(Unprocessable) as refused:
            step_at(asked, T0, by_tenant, latest)
        assert refused.value.field == "at", asked


def test_an_action_not_dated_asks_what_it_asked_before_actions_took_at() -> None:
    assert terms(Step()) == {}
    assert terms(Assign("plumbing")) == {"team": "plumbing", "technician": None}
    assert terms(Step(THEN)) == {"at": THEN.isoformat().replace("+00:00", "Z")}


async def test_an_imported_ticket_met_in_time_has_no_breach_and_its_figures_are_last_years(
    desk: Desk,
) -> None:
    ticket_id = await imported(desk)
    assert entries_of(await stored(desk, ticket_id)) == []  # its deadlines passed before the import
    seen = await desk.seen(staff(), ticket_id)
    await desk.service.acknowledge(seen, Step(THEN + H / 2), None)
    await desk.service.assign(seen, Assign("locks", at=THEN + H), None)
    await desk.service.start_work(seen, Step(THEN + H), None)
    await desk.service.resolve(seen, Resolve(at=THEN + 20 * H), None)
    rated = await desk.service.rate(seen, Rate(5, "old system", THEN + DAY), None)
    assert rated.state == "closed"
    ticket = await stored(desk, ticket_id)
    assert (ticket.response_outcome, ticket.resolution_outcome) == (SlaOutcome.MET, SlaOutcome.MET)
    assert [e.target for e in entries_of(ticket)] == []  # rated: nothing to scan, not even auto-close
    (ack,) = desk.memory.events(events.TicketAcknowledged)
    (resolved,) = desk.memory.events(events.TicketResolved)
    (rating,) = desk.memory.events(events.TicketRated)
    (assigned,) = desk.memory.events(events.TicketAssigned)
    assert (ack.acknowledged_at, ack.response_seconds) == (THEN + H / 2, 1800)
    assert (resolved.resolved_at, resolved.resolution_seconds) == (THEN + 20 * H, 20 * 3600)
    assert (rating.rated_at, rating.tenant_id, assigned.assigned_at) == (THEN + DAY, "acme", THEN + H)
    last_year = scorecard([ticket], THEN, THEN + 30 * DAY)
    assert (last_year.resolved, last_year.sla_met, last_year.rated, last_year.satisfied) == (1, 1, 1, 1)
    this_year = scorecard([ticket], T0 - 30 * DAY, T0)
    assert (this_year.resolved, this_year.rated) == (0, 0)


async def test_a_step_recorded_late_by_its_effective_time_leaves_its_breach_dated_at_the_deadline(
    desk: Desk,
) -> None:
    ticket_id = await imported(desk)
    seen = await desk.seen(staff(), ticket_id)
    await desk.service.acknowledge(seen, Step(THEN + 3 * H), None)  # due THEN + 1 h
    ticket = await stored(desk, ticket_id)
    assert ticket.response_outcome is SlaOutcome.BREACHED
    assert [(e.target, e.due) for e in entries_of(ticket)] == [("response", THEN + H)]
    assert ticket.breach_date(SlaTarget.RESPONSE, T0) == THEN + H
    await desk.service.resolve(seen, Resolve(at=THEN + 10 * H), None)  # due THEN + 24 h: met
    ticket = await stored(desk, ticket_id)
    assert ticket.resolution_outcome is SlaOutcome.MET
    assert [e.target for e in entries_of(ticket)] == ["response", AUTO_CLOSE]


async def test_an_imported_ticket_whose_deadline_lies_ahead_is_scanned_as_any(desk: Desk) -> None:
    ticket_id = await imported(desk, T0 - H / 2)  # response due T0 + 30 min, resolution T0 + 23.5 h
    ticket = await stored(desk, ticket_id)
    assert [(e.target, e.due) for e in entries_of(ticket)] == [
        ("response", T0 + H / 2),
        ("resolution", T0 + 23.5 * H),
    ]
    assert ticket.breach_date(SlaTarget.RESPONSE, T0 + H) == T0 + H  # open: dated when detected


async def test_a_reopening_dated_in_the_past_is_judged_by_its_resolution_not_the_scan(desk: Desk) -> None:
    ticket_id = await imported(desk)
    seen = await desk.seen(staff(), ticket_id)
    await desk.service.resolve(seen, Resolve(acknowledge=True, at=THEN + H / 2), None)
    await desk.service.reopen(seen, Reopen("leaks again", at=THEN + 2 * DAY), None)
    ticket = await stored(desk, ticket_id)
    assert ticket.resolution_due == THEN + 3 * DAY
    assert entries_of(ticket) == []  # its new deadline had passed when recorded
    await desk.service.resolve(seen, Resolve(at=THEN + 4 * DAY), None)
    ticket = await stored(desk, ticket_id)
    assert ticket.resolution_outcome is SlaOutcome.BREACHED
    assert ticket.breach_date(SlaTarget.RESOLUTION, T0) == THEN + 3 * DAY


async def refused(desk: Desk, ticket_id: str, who: ParkAccess, rate: Rate) -> Unprocessable | Forbidden:
    with pytest.raises((Unprocessable, Forbidden)) as refusal:
        await desk.service.rate(await desk.seen(who, ticket_id), rate, None)
    assert isinstance(refusal.value, Unprocessable | Forbidden)
    return refusal.value


async def test_dated_steps_out_of_bounds_are_refused_naming_at_and_change_nothing(desk: Desk) -> None:
    ticket_id = await imported(desk)
    seen = await desk.seen(staff(), ticket_id)
    for at in (THEN - H, T0 + H):  # before the opening; in the future
        with pytest.raises(Unprocessable) as refusal:
            await desk.service.acknowledge(seen, Step(at), None)
        assert refusal.value.field == "at"
    await desk.service.acknowledge(seen, Step(THEN + H / 2), None)
    with pytest.raises(Unprocessable) as refusal:  # before the latest step
        await desk.service.assign(seen, Assign("locks", at=THEN + H / 4), None)
    assert refusal.value.field == "at"
    with pytest.raises(Unprocessable) as refusal:  # a tenant user acts now
        await desk.service.reopen(await desk.seen(tenant(), ticket_id), Reopen("x", at=THEN + H), None)
    assert refusal.value.field == "at"
    ticket = await stored(desk, ticket_id)
    assert (ticket.state, ticket.acknowledged_at, ticket.team) == ("acknowledged", THEN + H / 2, None)
    assert len(desk.memory.events(events.TicketAcknowledged)) == 1


async def test_staff_record_the_rating_of_an_imported_ticket_only_and_dated(desk: Desk) -> None:
    ticket_id = await imported(desk)
    seen = await desk.seen(staff(), ticket_id)
    await desk.service.resolve(seen, Resolve(acknowledge=True, at=THEN + H / 2), None)
    undated = await refused(desk, ticket_id, staff(), Rate(4))
    assert isinstance(undated, Unprocessable)
    assert undated.field == "at"
    by_tenant = await refused(desk, ticket_id, tenant(), Rate(4, at=THEN + H))
    assert isinstance(by_tenant, Unprocessable)
    assert by_tenant.field == "at"

    live = await desk.service.open_ticket(tenant(), OpenTicket("repair", "high", "tap"), None)
    live_seen = await desk.seen(staff(), live.ticket_id)
    await desk.service.resolve(live_seen, Resolve(acknowledge=True), None)
    assert isinstance(await refused(desk, live.ticket_id, staff(), Rate(4, at=T0)), Forbidden)
    assert desk.memory.events(events.TicketRated) == []
    await desk.service.rate(seen, Rate(4, at=THEN + H), None)
    await desk.service.rate(await desk.seen(tenant(), live.ticket_id), Rate(3), None)
    assert [e.rated_at for e in desk.memory.events(events.TicketRated)] == [THEN + H, T0]
