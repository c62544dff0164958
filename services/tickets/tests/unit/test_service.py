"""The tickets service's use cases through the real AggregateStore over in-memory aggregates: one write
per command, the events it records, and the one idempotency rule (replay, 409, forgotten after 24 h)."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from parkops_contracts.events import tickets as events
from parkops_kernel.errors import Conflict, NotFound, Unprocessable
from parkops_runtime.mongo import Document
from parkops_runtime.testing import MemoryAggregates
from tickets.domain.calendar import SlaCalendar
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.commands import (
    Assign,
    ConfigureSla,
    Defer,
    OpenTicket,
    Rate,
    RecordWork,
    Reopen,
    Resolve,
    Step,
)
from tickets.domain.sla import ParkSla, PolicyOverride, SlaPolicy
from tickets.domain.work import Labour
from tickets.service import Stored, TicketService

from .service_fixtures import T0, Desk, staff, tenant

DOOR = OpenTicket("repair", "high", "door jammed")
H = timedelta(hours=1)


def work(technician: str, hours: str = "1") -> RecordWork:
    return RecordWork(labour=(Labour(technician=technician, hours=Decimal(hours), hourly_rate=Decimal(100)),))


@pytest.fixture
async def desk() -> Desk:
    desk = Desk()
    await desk.onboard("acme", ["u-1"])
    return desk


async def test_a_tenant_user_opens_a_ticket_of_its_own_tenant(desk: Desk) -> None:
    opened = await desk.service.open_ticket(
        tenant(), OpenTicket("repair", "high", "door", unit_id="u-1"), None
    )
    assert (opened.tenant_id, opened.state, opened.unit_id, opened.sla_state) == (
        "acme",
        "open",
        "u-1",
        "on_track",
    )
    assert opened.response_due == T0 + H  # a high-priority repair is answered within the hour
    (event,) = desk.memory.events(events.TicketOpened)
    assert (event.ticket_id, event.tenant_id, event.title) == (opened.ticket_id, "acme", "door")
    assert desk.tracked == [opened.ticket_id], "the due index learns the new ticket"


async def test_who_may_open_for_whom(desk: Desk) -> None:
    with pytest.raises(NotFound):  # not onboarded in this park
        await desk.service.open_ticket(tenant("beta"), DOOR, None)
    with pytest.raises(Unprocessable, match="not a tenant"):
        await desk.service.open_ticket(staff(), OpenTicket("repair", "high", "door", tenant_id="zeta"), None)
    with pytest.raises(Unprocessable, match="category"):
        await desk.service.open_ticket(staff(), OpenTicket("plumbing", "high", "door"), None)
    by_staff = await desk.service.open_ticket(
        staff(), OpenTicket("repair", "low", "door", tenant_id="acme"), None
    )
    assert by_staff.tenant_id == "acme"
    assert len(desk.memory.documents) == 1


async def test_a_keyed_open_answers_its_first_answer_and_opens_one_ticket(desk: Desk) -> None:
    first = await desk.service.open_ticket(tenant(), DOOR, "k-1")
    desk.clock.advance(H)
    again = await desk.service.open_ticket(tenant(), DOOR, "k-1")
    assert again == first
    assert len(desk.memory.events(events.TicketOpened)) == 1
    with pytest.raises(Conflict, match="k-1"):
        await desk.service.open_ticket(tenant(), OpenTicket("repair", "high", "window broken"), "k-1")
    for other in (tenant(subject="u-other"), staff(), tenant("beta")):  # a key is its caller's own
        if other.tenant_id == "beta":
            await desk.onboard("beta", [])
        assert (await desk.service.open_ticket(other, DOOR, "k-1")).ticket_id != first.ticket_id
    assert len(desk.memory.events(events.TicketOpened)) == 4


async def test_staff_work_a_ticket_from_acknowledgement_to_rating(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    desk.clock.advance(H / 2)
    acknowledged = await desk.service.acknowledge(seen, Step(), None)
    assert (acknowledged.state, acknowledged.response_seconds) == ("acknowledged", 1800)
    assert (await desk.service.start_work(seen, Step(), None)).state == "in_progress"
    assigned = await desk.service.assign(seen, Assign("plumbing", "wu"), None)
    assert (assigned.team, assigned.technician) == ("plumbing", "wu")
    deferred = await desk.service.defer(seen, Defer(T0 + 3 * H, "parts on order"), None)
    assert deferred.deferred_until == T0 + 3 * H
    assert deferred.resolution_due == opened.resolution_due + (T0 + 3 * H - desk.clock.now)
    await desk.service.record_work(seen, work("wu", "1.5"), None)
    desk.clock.advance(4 * H)
    resolved = await desk.service.resolve(seen, Resolve(billable=True), None)
    assert (resolved.state, resolved.billable_amount) == ("resolved", Decimal("150.00"))
    rated = await desk.service.rate(await desk.seen(tenant(), opened.ticket_id), Rate(5, "quick"), None)
    assert (rated.state, rated.rating) == ("closed", 5)
    published = desk.memory.events
    counts = [len(published(events.TicketAcknowledged)), len(published(events.TicketAssigned))]
    assert [*counts, len(published(events.TicketResolved)), len(published(events.TicketRated))] == [
        1,
        1,
        1,
        1,
    ]
    assert desk.tracked == [opened.ticket_id] * 8


async def test_a_resolved_ticket_is_reopened_then_closed(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    await desk.service.resolve(seen, Resolve(acknowledge=True), None)
    reopened = await desk.service.reopen(
        await desk.seen(tenant(), opened.ticket_id), Reopen("still stuck"), None
    )
    assert (reopened.state, reopened.reopen_count) == ("in_progress", 1)
    (event,) = desk.memory.events(events.TicketReopened)
    assert event.reason == "still stuck"
    await desk.service.resolve(seen, Resolve(), None)
    assert (await desk.service.close(seen, Step(), None)).state == "closed"


async def test_a_refused_change_writes_nothing(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    with pytest.raises(Conflict, match="acknowledge"):  # open: resolving needs acknowledge=true
        await desk.service.resolve(seen, Resolve(), None)
    await desk.service.acknowledge(seen, Step(), None)
    with pytest.raises(Conflict):
        await desk.service.acknowledge(seen, Step(), "k-ack")
    document = desk.memory.documents[opened.ticket_id]
    assert (document["_version"], document["_keys"]) == (2, [])
    assert len(desk.memory.events(events.TicketAcknowledged)) == 1


async def test_a_keyed_action_has_one_effect_and_its_key_one_request(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    first = await desk.service.record_work(seen, work("wu"), "w-1")
    desk.clock.advance(H)
    assert await desk.service.record_work(seen, work("wu"), "w-1") == first
    with pytest.raises(Conflict, match="w-1"):
        await desk.service.record_work(seen, work("li"), "w-1")
    with pytest.raises(Conflict, match="w-1"):  # another action with the key is another request
        await desk.service.acknowledge(seen, Step(), "w-1")
    resolved = await desk.service.resolve(seen, Resolve(billable=True, acknowledge=True), None)
    assert resolved.billable_amount == Decimal("100.00"), "the work was counted once"


async def test_a_key_is_forgotten_24_hours_after_its_use(desk: Desk) -> None:
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    seen = await desk.seen(staff(), opened.ticket_id)
    await desk.service.record_work(seen, work("wu"), "w-1")
    desk.clock.advance(24 * H + timedelta(seconds=1))
    await desk.service.record_work(seen, work("li"), "w-1")  # a new request now, with its own effect
    resolved = await desk.service.resolve(seen, Resolve(billable=True, acknowledge=True), None)
    assert resolved.billable_amount == Decimal("200.00")
    assert [k["key"] for k in desk.memory.documents[opened.ticket_id]["_keys"]] == ["w-1"]


async def test_a_park_configures_its_sla_for_the_tickets_opened_after(desk: Desk) -> None:
    assert await desk.service.sla("p1", "g1") == ParkSla.default("p1", "g1")
    fast = PolicyOverride(
        category=TicketCategory.REPAIR,
        priority=TicketPriority.HIGH,
        policy=SlaPolicy(response_seconds=600, resolution_seconds=3600),
    )
    settings = ConfigureSla(overrides=(fast,), calendar=SlaCalendar(), auto_close_days=3)
    configured = await desk.service.configure_sla(staff(), settings, "sla-1")
    assert (configured.auto_close_days, configured.overrides[0].policy.response_seconds) == (3, 600)
    assert await desk.service.configure_sla(staff(), settings, "sla-1") == configured
    with pytest.raises(Conflict, match="sla-1"):
        await desk.service.configure_sla(staff(), ConfigureSla(auto_close_days=9), "sla-1")
    assert desk.slas.documents["p1"]["_version"] == 1
    opened = await desk.service.open_ticket(tenant(), DOOR, None)
    assert opened.response_due == T0 + timedelta(minutes=10)
    assert await desk.service.sla("p1", "another group") == ParkSla.default("p1", "another group")
    await desk.service.configure_sla(staff(), ConfigureSla(), None)
    assert await desk.service.sla("p1", "g1") == ParkSla.default("p1", "g1")


async def test_a_tenants_list_names_its_tickets_newest_first_and_a_retry_once(desk: Desk) -> None:
    first = await desk.service.open_ticket(tenant(), DOOR, None)
    desk.clock.advance(H)
    by_staff = await desk.service.open_ticket(
        staff(), OpenTicket("repair", "high", "x", tenant_id="acme"), "k"
    )
    await desk.service.open_ticket(staff(), OpenTicket("repair", "high", "x", tenant_id="acme"), "k")  # retry
    await desk.service.open_ticket(staff(), DOOR, None)  # for nobody: in no list
    assert await desk.lists.newest_first("g1", "acme") == [by_staff.ticket_id, first.ticket_id]
    assert await desk.lists.newest_first("g1", "beta") == []


async def test_a_park_found_without_sla_is_not_asked_again_within_the_cache(desk: Desk) -> None:
    """Another replica's TicketService over the same store: an SLA configured there applies here once
    this replica's cache of "none configured" expires, and at once to a fresh read (GET /parks/{p}/sla)."""
    service, stored = desk.service, Stored(desk.service.tickets, desk.service.slas, desk.lists)
    replica, later = (TicketService(stored, service.access, lambda _: None, desk.clock, H) for _ in "ab")
    fast = PolicyOverride(
        category=TicketCategory.REPAIR,
        priority=TicketPriority.HIGH,
        policy=SlaPolicy(response_seconds=600, resolution_seconds=3600),
    )
    for each in (replica, later):
        assert (await each.open_ticket(staff(), DOOR, None)).response_due == T0 + H  # the defaults
    await service.configure_sla(staff(), ConfigureSla(overrides=(fast,)), None)
    assert (await replica.open_ticket(staff(), DOOR, None)).response_due == T0 + H  # within the cache
    assert (await replica.sla("p1", "g1", fresh=True)).overrides == (fast,)
    assert (await replica.open_ticket(staff(), DOOR, None)).response_due == T0 + timedelta(minutes=10)
    desk.clock.advance(H)
    assert (await later.open_ticket(staff(), DOOR, None)).response_due == T0 + H + timedelta(minutes=10)


class SlowReads(MemoryAggregates):
    """Reads that take a moment (so concurrent ones overlap), counted; read number `held` (`asked` once
    it is) answers what the store held when it was asked, once `release` is set."""

    def __init__(self, held: int = 0) -> None:
        super().__init__()
        self.reads, self.held, self.asked, self.release = 0, held, asyncio.Event(), asyncio.Event()

    async def _slow(self) -> None:
        self.reads += 1
        if self.reads != self.held:
            await asyncio.sleep(0.01)
            return
        self.asked.set()
        await self.release.wait()

    async def get(self, doc_id: str) -> Document | None:
        found = await super().get(doc_id)
        await self._slow()
        return found

    async def version(self, doc_id: str) -> int:
        found = await super().version(doc_id)
        await self._slow()
        return found


async def test_openings_at_once_share_one_read_of_their_parks_sla() -> None:
    """Every opening needs its park's SLA: those that need it while it is being read share that read
    (each asked the store itself before: under load, hundreds at once); a fresh read is its own."""
    slow = SlowReads()
    desk = Desk(slas=slow)
    opened = await asyncio.gather(*(desk.service.open_ticket(staff(), DOOR, None) for _ in range(10)))
    assert len({t.ticket_id for t in opened}) == 10
    assert {t.response_due for t in opened} == {T0 + H}  # the defaults: no SLA configured
    assert slow.reads == 1
    fast = PolicyOverride(
        category=TicketCategory.REPAIR,
        priority=TicketPriority.HIGH,
        policy=SlaPolicy(response_seconds=600, resolution_seconds=3600),
    )
    await desk.service.configure_sla(staff(), ConfigureSla(overrides=(fast,)), None)
    reads = slow.reads
    opened = await asyncio.gather(*(desk.service.open_ticket(staff(), DOOR, None) for _ in range(10)))
    assert {t.response_due for t in opened} == {T0 + timedelta(minutes=10)}
    assert slow.reads == reads + 1
    await asyncio.gather(*(desk.service.sla("p1", "g1", fresh=True) for _ in range(3)))
    assert slow.reads == reads + 4


async def test_an_opening_after_its_replica_configured_the_sla_does_not_share_a_read_begun_before() -> None:
    """The read in flight may predate the new SLA: an opening that comes after the configuration
    answered reads again, as it did before reads were shared."""
    slow = SlowReads(held=1)
    desk = Desk(slas=slow)
    before = asyncio.ensure_future(desk.service.open_ticket(staff(), DOOR, None))
    await slow.asked.wait()  # its SLA read under way, held
    fast = PolicyOverride(
        category=TicketCategory.REPAIR,
        priority=TicketPriority.HIGH,
        policy=SlaPolicy(response_seconds=600, resolution_seconds=3600),
    )
    await desk.service.configure_sla(staff(), ConfigureSla(overrides=(fast,)), None)
    after = asyncio.ensure_future(desk.service.open_ticket(staff(), DOOR, None))
    await asyncio.sleep(0.05)
    slow.release.set()
    assert (await after).response_due == T0 + timedelta(minutes=10)
    assert (await before).response_due in (T0 + H, T0 + timedelta(minutes=10))
