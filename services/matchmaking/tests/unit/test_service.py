"""Every use case of matchmaking's service through the runtime's real AggregateStore over the in-memory
store: the writes, the events they publish, the read model after them and the Idempotency-Key rule."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from matchmaking.domain import commands as cmd
from matchmaking.domain.chain import Segment
from matchmaking.domain.profiles import Kind
from matchmaking.domain.scoring import Weights
from matchmaking.queries import MatchmakingQueries
from matchmaking.read_model import ReadModel
from matchmaking.repository import GROUPS, MEETINGS, PROFILES, PROPOSALS
from matchmaking.service import MatchmakingService, Stores
from parkops_contracts.base import Event
from parkops_contracts.events import matchmaking as events
from parkops_kernel.errors import Conflict, Forbidden, NotFound
from parkops_runtime.access import GroupAccess, ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.testing import MemoryAggregates

AT = datetime(2026, 11, 27, 9, tzinfo=UTC)
GROUP = "g1"


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/matchmaking", topic_prefix="test")


class Matchmaking:
    """One replica over in-memory collections: its service, its queries and what was published."""

    def __init__(self) -> None:
        self.profiles, self.groups = MemoryAggregates(), MemoryAggregates()
        self.proposals, self.meetings = MemoryAggregates(), MemoryAggregates()
        self.read = ReadModel()
        stores = Stores(
            AggregateStore(self.profiles, PROFILES, outbound, kind="profile", clock=lambda: AT),
            AggregateStore(self.groups, GROUPS, outbound, kind="group", clock=lambda: AT),
            AggregateStore(self.proposals, PROPOSALS, outbound, kind="proposal", clock=lambda: AT),
            AggregateStore(self.meetings, MEETINGS, outbound, kind="meeting", clock=lambda: AT),
        )
        self.service = MatchmakingService(stores, self.read, self.known, clock=lambda: AT)
        self.queries = MatchmakingQueries(self.read)

    @staticmethod
    async def known(group_id: str) -> bool:
        return group_id == GROUP

    async def seeded(self) -> None:
        """vax (a vaccine maker, needs vials) and glass (offers vials) in p1, chips in p2."""
        for tenant, park, industry in (
            ("vax", "p1", "C2762"),
            ("glass", "p1", "C3055"),
            ("chips", "p2", "C3973"),
        ):
            await self.service.seed_profile(cmd.SeedProfile(tenant, park, GROUP, tenant.title(), industry))
        vials = cmd.DeclaredOffering(
            "vials", "疫苗西林瓶 glass vials", "bio.packaging", 10000, ("GMP",), Kind.SUPPLY
        )
        wafers = cmd.DeclaredOffering("wafers", "晶圆代工", "ic.wafer_fab", 100, (), Kind.SUPPLY)
        need = cmd.DeclaredNeed("n1", "采购疫苗西林瓶", None, 500, ("GMP",), None, Kind.SUPPLY)
        await self.service.declare_profile(staff("p1"), cmd.DeclareProfile("glass", (vials,), (), None), None)
        await self.service.declare_profile(
            staff("p2"), cmd.DeclareProfile("chips", (wafers,), (), None), None
        )
        await self.service.declare_profile(staff("p1"), cmd.DeclareProfile("vax", (), (need,), None), None)


def staff(park: str, role: Role = Role.PARK_OPERATOR) -> ParkAccess:
    return ParkAccess(Principal("op", role, GROUP, frozenset({park}), None), ParkEntry(park, GROUP, park, AT))


def tenant(tenant_id: str, park: str = "p1") -> ParkAccess:
    who = Principal(tenant_id, Role.TENANT_USER, GROUP, frozenset({park}), tenant_id)
    return ParkAccess(who, ParkEntry(park, GROUP, park, AT))


def admin(group: str = GROUP) -> GroupAccess:
    return GroupAccess(Principal("admin", Role.GROUP_ADMIN, group, frozenset(), None))


@pytest.fixture
async def mm() -> Matchmaking:
    m = Matchmaking()
    await m.seeded()
    return m


async def test_an_onboarding_seeds_a_profile_once_and_a_termination_retires_it(mm: Matchmaking) -> None:
    await mm.service.seed_profile(cmd.SeedProfile("vax", "p1", GROUP, "Vax again", "C2762"))
    assert mm.profiles.documents["vax"]["_version"] == 2, "seeded, declared; the redelivery wrote nothing"
    assert mm.queries.profile(staff("p1"), "vax").segment == "bio.drug_manufacturing"
    await mm.service.retire_profile(cmd.RetireProfile("p2", "chips"))
    await mm.service.retire_profile(cmd.RetireProfile("p2", "chips"))
    assert mm.queries.profile(staff("p2"), "chips").active is False
    assert mm.profiles.documents["chips"]["_version"] == 3
    await mm.service.retire_profile(cmd.RetireProfile("p1", "chips"))  # another park's: nothing to retire


async def test_declaring_replaces_items_names_new_ones_and_only_staff_mark_anchors(mm: Matchmaking) -> None:
    unnamed = cmd.DeclaredOffering(None, "疫苗", "bio.drug_manufacturing", 10, (), Kind.SUPPLY)
    declared = await mm.service.declare_profile(
        tenant("vax"), cmd.DeclareProfile("vax", (unnamed,), (), None), None
    )
    assert declared.needs == []
    assert len(declared.offerings[0].offering_id) == 32
    with pytest.raises(Forbidden):
        await mm.service.declare_profile(tenant("vax"), cmd.DeclareProfile("vax", (), (), True), None)
    anchored = await mm.service.declare_profile(staff("p1"), cmd.DeclareProfile("vax", (), (), True), None)
    assert anchored.anchor is True
    with pytest.raises(NotFound):
        await mm.service.declare_profile(tenant("vax"), cmd.DeclareProfile("glass", (), (), None), None)
    assert mm.queries.profile(staff("p1"), "vax") == anchored


async def test_a_keyed_declaration_answers_its_retry_and_refuses_another_body(mm: Matchmaking) -> None:
    unnamed = cmd.DeclaredOffering(None, "疫苗", "bio.drug_manufacturing", 10, (), Kind.SUPPLY)
    command = cmd.DeclareProfile("vax", (unnamed,), (), None)
    first = await mm.service.declare_profile(staff("p1"), command, "k1")
    version = mm.profiles.documents["vax"]["_version"]
    assert await mm.service.declare_profile(staff("p1"), command, "k1") == first
    assert mm.profiles.documents["vax"]["_version"] == version
    with pytest.raises(Conflict, match="k1"):
        await mm.service.declare_profile(staff("p1"), cmd.DeclareProfile("vax", (), (), None), "k1")


async def test_proposals_for_a_need_are_reused_while_open_and_keyed_ones_replay(mm: Matchmaking) -> None:
    ranked = await mm.service.propose_for_need(tenant("vax"), cmd.ProposeForNeed("vax", "n1", 5), None)
    assert next(p.supplier_id for p in ranked) == "glass"
    again = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 5), "k")
    assert [p.proposal_id for p in again] == [p.proposal_id for p in ranked], "open proposals are reused"
    assert len(mm.proposals.events(events.MatchProposed)) == len(ranked)
    assert await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 5), "k") == again
    with pytest.raises(Conflict, match="idempotency key k"):
        await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), "k")
    with pytest.raises(NotFound):
        await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "nope", 5), None)
    with pytest.raises(Forbidden):
        await mm.service.propose_for_need(staff("p1", Role.AUDITOR), cmd.ProposeForNeed("vax", "n1", 5), None)


async def test_a_keyed_proposal_after_a_decline_is_created_once(mm: Matchmaking) -> None:
    [first] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), None)
    await mm.service.decline_proposal(tenant("vax"), cmd.AnswerProposal(first.proposal_id, None), None)
    [fresh] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), "again")
    [replay] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), "again")
    assert fresh == replay
    assert fresh.proposal_id != first.proposal_id
    assert any(c.name == "declined_before" for c in fresh.breakdown)
    assert len(mm.proposals.events(events.MatchProposed)) == 2


async def test_both_sides_accept_then_staff_close_the_deal(mm: Matchmaking) -> None:
    [p] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), None)
    one = await mm.service.accept_proposal(tenant("vax"), cmd.AnswerProposal(p.proposal_id, None), "a1")
    assert one.status == "proposed"
    assert (
        await mm.service.accept_proposal(tenant("vax"), cmd.AnswerProposal(p.proposal_id, None), "a1") == one
    )
    with pytest.raises(Conflict, match="already accepted"):
        await mm.service.accept_proposal(tenant("vax"), cmd.AnswerProposal(p.proposal_id, None), "a2")
    both = await mm.service.accept_proposal(staff("p1"), cmd.AnswerProposal(p.proposal_id, "glass"), None)
    assert both.status == "accepted"
    deal = cmd.CloseDeal(p.proposal_id, Decimal("1000.00"), Decimal("150"))
    closed = await mm.service.close_deal(staff("p1"), deal, "d1")
    assert await mm.service.close_deal(staff("p1"), deal, "d1") == closed
    assert closed.status == "deal_closed"
    assert closed.deal_value_cny == Decimal("1000.00")
    assert (closed.estimated_saving_cny, closed.saving_percent) == (Decimal("150"), Decimal("13.04"))
    with pytest.raises(Conflict):
        await mm.service.decline_proposal(tenant("glass"), cmd.AnswerProposal(p.proposal_id, None), None)
    assert [e.proposal_id for e in mm.proposals.events(events.MatchAccepted)] == [p.proposal_id]
    assert [e.value_cny for e in mm.proposals.events(events.DealClosed)] == [Decimal("1000.00")]
    assert mm.queries.proposal(tenant("vax"), p.proposal_id) == closed


async def test_a_decline_is_published_once_and_seen_by_the_queries(mm: Matchmaking) -> None:
    [p] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), None)
    declined = await mm.service.decline_proposal(
        tenant("glass"), cmd.AnswerProposal(p.proposal_id, None), "x"
    )
    assert (
        await mm.service.decline_proposal(tenant("glass"), cmd.AnswerProposal(p.proposal_id, None), "x")
        == declined
    )
    assert [e.declined_by for e in mm.proposals.events(events.MatchDeclined)] == ["glass"]
    assert [q.proposal_id for q in mm.queries.proposals(staff("p1"), "declined")] == [p.proposal_id]


async def test_a_keyed_meeting_is_planned_once_and_attendance_is_billed_once(mm: Matchmaking) -> None:
    command = cmd.PlanMeeting("November", date(2026, 11, 30), 3)
    meeting = await mm.service.plan_meeting(staff("p1"), command, "m")
    proposed = len(mm.proposals.events(events.MatchProposed))
    assert await mm.service.plan_meeting(staff("p1"), command, "m") == meeting
    assert len(mm.proposals.events(events.MatchProposed)) == proposed
    assert len(mm.meetings.documents) == 1
    with pytest.raises(Conflict, match="idempotency key m"):
        await mm.service.plan_meeting(staff("p1"), cmd.PlanMeeting("December", date(2026, 12, 30), 3), "m")
    other = await mm.service.plan_meeting(staff("p2"), command, "m")
    assert other.meeting_id != meeting.meeting_id, "another park's key names another meeting"
    assert {"vax", "glass"} <= set(meeting.participants)
    attend = cmd.RecordAttendance(meeting.meeting_id, "vax")
    attended = await mm.service.record_attendance(staff("p1"), attend, "at")
    assert await mm.service.record_attendance(staff("p1"), attend, "at") == attended
    with pytest.raises(Conflict):
        await mm.service.record_attendance(staff("p1"), attend, None)
    with pytest.raises(Conflict, match="idempotency key at"):
        await mm.service.record_attendance(
            staff("p1"), cmd.RecordAttendance(meeting.meeting_id, "glass"), "at"
        )
    assert [e.tenant_id for e in mm.meetings.events(events.MatchmakingMeetingAttended)] == ["vax"]
    assert mm.queries.meeting(tenant("vax"), meeting.meeting_id).attended == ["vax"]


async def test_group_settings_are_kept_for_known_groups_and_replayed_by_key(mm: Matchmaking) -> None:
    settings = cmd.ConfigureMatching(Weights(chain=0.5), group_wide=False)
    first = await mm.service.configure_matching(admin(), settings, "s")
    assert await mm.service.configure_matching(admin(), settings, "s") == first
    assert mm.groups.documents[GROUP]["_version"] == 1
    assert mm.queries.settings(admin()) == first
    assert first.group_wide is False
    with pytest.raises(NotFound):
        await mm.service.configure_matching(admin("made-up"), settings, None)
    smaller = cmd.EditChainMap((Segment("ic.design", "芯片设计", "IC design"),), ())
    with pytest.raises(Conflict, match=r"bio\.packaging"):
        await mm.service.edit_chain_map(admin(), smaller, None)
    chain = mm.queries.chain_map(admin())
    segments = tuple(Segment(s.segment_id, s.name_zh, s.name_en) for s in chain.segments)
    edited = await mm.service.edit_chain_map(admin(), cmd.EditChainMap(segments, ()), "c")
    assert edited.edges == []
    assert mm.queries.chain_map(staff("p1")) == edited


async def test_a_restarted_replica_reads_what_was_stored(mm: Matchmaking) -> None:
    [p] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), None)
    await mm.service.decline_proposal(tenant("vax"), cmd.AnswerProposal(p.proposal_id, None), None)
    read = ReadModel()
    read.load(
        [PROFILES.decode(d) for d in mm.profiles.documents.values()],
        [GROUPS.decode(d) for d in mm.groups.documents.values()],
        [PROPOSALS.decode(d) for d in mm.proposals.documents.values()],
        [MEETINGS.decode(d) for d in mm.meetings.documents.values()],
    )
    again = MatchmakingQueries(read)
    assert again.profiles(staff("p1")) == mm.queries.profiles(staff("p1"))
    assert again.proposal(staff("p1"), p.proposal_id).status == "declined"
    assert read.index(GROUP).declined("vax", "glass")
