"""Issue 16 in tickets: a billable ticket names who pays; every rating counts, by the rule written once
(`parkops_kernel.figures`); staff date an imported ticket in the past."""

from datetime import timedelta

import pytest
from parkops_contracts.events import tickets as events
from parkops_kernel import figures
from parkops_kernel.errors import Unprocessable
from pydantic import ValidationError
from tickets.domain.commands import OpenTicket, Rate, Reopen, Resolve
from tickets.domain.dating import opened_at
from tickets.domain.payers import payer_of
from tickets.domain.reporting import scorecard
from tickets.schemas import ResolveBody, TicketCreate

from .factory import T0 as T
from .factory import new_ticket
from .service_fixtures import T0, Desk, staff, tenant

H = timedelta(hours=1)
DOOR = OpenTicket("repair", "high", "door jammed")


@pytest.fixture
async def desk() -> Desk:
    desk = Desk()
    await desk.onboard("acme", ["u-1"])
    return desk


# -- who pays -------------------------------------------------------------------------------------


def test_the_payer_is_the_named_one_else_the_tenant_and_none_when_not_billable() -> None:
    assert payer_of(True, "acme", None) == "acme"
    assert payer_of(True, "acme", "beta") == "beta"
    assert payer_of(True, None, "institution:icbc") == "institution:icbc"
    assert payer_of(False, "acme", None) is None


def test_a_billable_ticket_without_tenant_or_payer_is_refused_naming_payer_id() -> None:
    with pytest.raises(Unprocessable) as refused:
        payer_of(True, None, None)
    assert refused.value.field == "payer_id"
    with pytest.raises(Unprocessable) as named:
        payer_of(False, "acme", "beta")  # a payer for nothing to pay
    assert named.value.field == "payer_id"


def test_a_staff_ticket_resolved_billable_without_payer_changes_nothing() -> None:
    ticket = new_ticket(tenant_id=None)
    before = ticket.model_dump()
    with pytest.raises(Unprocessable, match="payer_id"):
        ticket.resolve(T + H, billable=True, auto_close_at=T + 100 * H, acknowledge=True)
    assert ticket.model_dump() == before
    assert [type(e) for e in ticket.events] == [events.TicketOpened]


def test_the_resolution_carries_its_payer() -> None:
    ticket = new_ticket(tenant_id=None)
    ticket.resolve(T + H, True, T + 100 * H, acknowledge=True, payer_id="institution:fund-1")
    resolved = ticket.events[-1]
    assert isinstance(resolved, events.TicketResolved)
    assert (resolved.billable, resolved.payer_id) == (True, "institution:fund-1")
    own = new_ticket()
    own.resolve(T + H, True, T + 100 * H, acknowledge=True)
    assert own.events[-1].model_dump()["payer_id"] == "tenant-1"


def test_a_payer_id_is_a_tenant_id_or_institution_id() -> None:
    assert ResolveBody(billable=True, payer_id="institution:bank-7").payer_id == "institution:bank-7"
    for bad in ("bank:7", "institution:", "a b"):
        with pytest.raises(ValidationError, match="payer_id"):
            ResolveBody(billable=True, payer_id=bad)


async def test_staff_name_a_tenant_of_the_park_or_an_institution_as_payer(desk: Desk) -> None:
    opened = await desk.service.open_ticket(staff(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    for unknown in ("zeta", "institution-x"):
        with pytest.raises(Unprocessable, match="not a tenant") as refused:
            await desk.service.resolve(seen, Resolve(True, True, unknown), None)
        assert refused.value.field == "payer_id"
    with pytest.raises(Unprocessable, match="payer_id"):
        await desk.service.resolve(seen, Resolve(True, True), None)
    assert desk.memory.events(events.TicketResolved) == []
    resolved = await desk.service.resolve(seen, Resolve(True, True, "beta"), None)
    assert (resolved.billable, resolved.payer_id) == (True, "beta")
    (event,) = desk.memory.events(events.TicketResolved)
    assert event.payer_id == "beta"


# -- every rating counts ----------------------------------------------------------------------------


def test_the_figures_are_the_rule_written_once() -> None:
    assert figures.satisfaction([5, 4, 3, 1]) == 0.5
    assert figures.satisfaction([3]) == 0.0
    assert figures.satisfaction([]) is None
    assert figures.sla_compliance(4, 3) == 0.75
    assert figures.sla_compliance(0, 0) is None
    with pytest.raises(ValueError, match="impossible"):
        figures.sla_compliance(1, 2)


def test_each_rating_names_the_resolution_it_rates_and_the_scorecard_counts_both() -> None:
    ticket = new_ticket()
    ticket.resolve(T + H, billable=False, auto_close_at=T + 100 * H, acknowledge=True)
    ticket.rate(2, "not fixed", T + 2 * H)
    ticket.reopen("still leaking", T + 3 * H)
    ticket.resolve(T + 5 * H, billable=False, auto_close_at=T + 200 * H)
    ticket.rate(5, "fixed now", T + 6 * H)
    rated = [e for e in ticket.events if isinstance(e, events.TicketRated)]
    assert [(e.resolution, e.score) for e in rated] == [(1, 2), (2, 5)]
    card = scorecard([ticket], T, T + 7 * H)
    assert (card.rated, card.satisfied, card.satisfaction_rate) == (2, 1, 0.5)
    assert (card.resolved, card.sla_met, card.sla_compliance) == (1, 1, 1.0)


async def test_a_reopened_ticket_is_rated_once_per_resolution(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    by_staff, by_tenant = (
        await desk.seen(staff(), opened.ticket_id),
        await desk.seen(tenant(), opened.ticket_id),
    )
    await desk.service.resolve(by_staff, Resolve(acknowledge=True), None)
    await desk.service.rate(by_tenant, Rate(3), None)
    await desk.service.reopen(by_tenant, Reopen("still stuck"), None)
    await desk.service.resolve(by_staff, Resolve(), None)
    await desk.service.rate(by_tenant, Rate(4), None)
    rated = desk.memory.events(events.TicketRated)
    assert [(e.resolution, e.score) for e in rated] == [(1, 3), (2, 4)]


# -- an imported ticket ---------------------------------------------------------------------------


def test_only_staff_date_a_ticket_and_never_in_the_future() -> None:
    assert opened_at(None, T, by_tenant=True) == T
    assert opened_at(T - 400 * 24 * H, T, by_tenant=False) == T - 400 * 24 * H
    for asked, by_tenant in ((T - H, True), (T + H, False)):
        with pytest.raises(Unprocessable) as refused:
            opened_at(asked, T, by_tenant)
        assert refused.value.field == "opened_at"
    with pytest.raises(ValidationError, match="opened_at"):
        TicketCreate(category="repair", title="door", opened_at="1899-12-31T00:00:00Z")  # type: ignore[arg-type]


async def test_an_imported_ticket_opens_when_it_opened_and_its_targets_follow(desk: Desk) -> None:
    then = T0 - 300 * 24 * H
    asked = OpenTicket("repair", "high", "door jammed", tenant_id="acme", opened_at=then)
    opened = await desk.service.open_ticket(staff(), asked, None)
    assert (opened.opened_at, opened.response_due) == (then, then + H)
    (event,) = desk.memory.events(events.TicketOpened)
    assert (event.opened_at, event.response_due) == (then, then + H)
    with pytest.raises(Unprocessable, match="only staff") as refused:
        await desk.service.open_ticket(tenant(), OpenTicket("repair", "high", "x", opened_at=then), None)
    assert refused.value.field == "opened_at"
    assert len(desk.memory.events(events.TicketOpened)) == 1
