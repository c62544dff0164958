"""Every use case of matchmaking's service through the runtime's real AggregateStore over the in-memory
store: the writes, the events they publish, the view folded from them and the Idempotency-Key rule."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from matchmaking.domain import commands as cmd
from matchmaking.domain.chain import Segment
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.proposal import PairKey, Proposal
from matchmaking.domain.scoring import Weights
from matchmaking.queries import MatchmakingQueries
from matchmaking.read_model import MatchmakingView
from matchmaking.repository import GROUPS, MEETINGS, PROFILES, PROPOSALS
from matchmaking.service import MatchmakingService, Stores
from parkops_contracts.base import Event
from parkops_contracts.events import matchmaking as events
from parkops_contracts.events.matchmaking import MatchKind as Kind
from parkops_kernel.errors import Conflict, Forbidden, NotFound
from parkops_runtime.access import GroupAccess, ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.auth import Principal, Role
from parkops_runtime.consumer import Delivery, decode
from parkops_runtime.directory import ParkEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.testing import MemoryAggregates

AT = datetime(2026, 11, 27, 9, tzinfo=UTC)
GROUP = "g1"


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/matchmaking", topic_prefix="test")


TOPICS = {c.topic("test"): c for c in events.PUBLISHED}


def delivered(published: list[OutboundEvent]) -> list[Delivery]:
    """The events as a follower receives them (one partition, in the order written)."""
    return [
        decode(
            SimpleNamespace(
                topic=e.topic,
                partition=0,
                offset=i,
                value=e.value.encode(),
                headers=[(k, v.encode()) for k, v in e.headers.items()],
            ),
            TOPICS,
        )
        for i, e in enumerate(published)
    ]


class FoldingAggregates(MemoryAggregates):
    """A collection whose writes' events the view folds at once (a log without lag)."""

    def __init__(self, view: MatchmakingView) -> None:
        super().__init__()
        self.view = view

    def _write(self, doc_id: str, version: int, fields: Document, events: Sequence[OutboundEvent]) -> None:
        super()._write(doc_id, version, fields, events)
        self.view.fold(delivered(list(events)))


class MemoryLists:
    """`queries.StoredLists` over the in-memory collections."""

    def __init__(self, proposals: MemoryAggregates, meetings: MemoryAggregates) -> None:
        self._proposals, self._meetings = proposals, meetings

    async def proposals_in(self, group_id: str, park_id: str) -> list[Proposal]:
        found = [PROPOSALS.decode(d) for d in self._proposals.documents.values()]
        return [p for p in found if p.group_id == group_id and p.has_side_in(park_id)]

    async def proposals(self, proposal_ids: list[str]) -> list[Proposal]:
        docs = self._proposals.documents
        return [PROPOSALS.decode(docs[i]) for i in proposal_ids if i in docs]

    async def meetings_in(self, group_id: str, park_id: str) -> list[Meeting]:
        found = [MEETINGS.decode(d) for d in self._meetings.documents.values()]
        return [m for m in found if (m.group_id, m.park_id) == (group_id, park_id)]


class Matchmaking:
    """One replica over in-memory collections: its service, its queries and what was published."""

    def __init__(self) -> None:
        self.view = MatchmakingView()
        self.profiles, self.groups = FoldingAggregates(self.view), FoldingAggregates(self.view)
        self.proposals, self.meetings = FoldingAggregates(self.view), FoldingAggregates(self.view)
        stores = Stores(
            AggregateStore(self.profiles, PROFILES, outbound, kind="profile", clock=lambda: AT),
            AggregateStore(self.groups, GROUPS, outbound, kind="group", clock=lambda: AT),
            AggregateStore(self.proposals, PROPOSALS, outbound, kind="proposal", clock=lambda: AT),
            AggregateStore(self.meetings, MEETINGS, outbound, kind="meeting", clock=lambda: AT),
        )
        self.service = MatchmakingService(stores, self.view, self.known, clock=lambda: AT)
        self.queries = MatchmakingQueries(
            self.view, stores, MemoryLists(self.proposals, self.meetings), self.service
        )

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
    assert await mm.queries.proposal(tenant("vax"), p.proposal_id) == closed


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
    assert [q.proposal_id for q in await mm.queries.proposals(staff("p1"), "declined")] == [p.proposal_id]


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
    assert (await mm.queries.meeting(tenant("vax"), meeting.meeting_id)).attended == ["vax"]


async def test_group_settings_are_kept_for_known_groups_and_replayed_by_key(mm: Matchmaking) -> None:
    settings = cmd.ConfigureMatching(Weights(chain=0.5), group_wide=False)
    first = await mm.service.configure_matching(admin(), settings, "s")
    assert await mm.service.configure_matching(admin(), settings, "s") == first
    assert mm.groups.documents[GROUP]["_version"] == 1
    assert await mm.queries.settings(admin()) == first
    assert first.group_wide is False
    with pytest.raises(NotFound):
        await mm.service.configure_matching(admin("made-up"), settings, None)
    smaller = cmd.EditChainMap((Segment("ic.design", "芯片设计", "IC design"),), ())
    with pytest.raises(Conflict, match=r"bio\.packaging"):
        await mm.service.edit_chain_map(admin(), smaller, None)
    chain = await mm.queries.chain_map(admin())
    segments = tuple(Segment(s.segment_id, s.name_zh, s.name_en) for s in chain.segments)
    edited = await mm.service.edit_chain_map(admin(), cmd.EditChainMap(segments, ()), "c")
    assert edited.edges == []
    assert await mm.queries.chain_map(staff("p1")) == edited


async def test_a_replica_restored_from_a_snapshot_answers_what_the_folding_one_does(mm: Matchmaking) -> None:
    [p] = await mm.service.propose_for_need(staff("p1"), cmd.ProposeForNeed("vax", "n1", 1), None)
    await mm.service.decline_proposal(tenant("vax"), cmd.AnswerProposal(p.proposal_id, None), None)
    restored = MatchmakingView()
    restored.restore(mm.view.dump())
    rebuilt = MatchmakingView()  # from nothing: every event again, twice (redeliveries change nothing)
    log = mm.profiles.published + mm.proposals.published + mm.meetings.published
    rebuilt.fold(delivered(log))
    rebuilt.fold(delivered(log))
    need = mm.view.profiles["vax"].needs[0]
    config = await mm.service.config(GROUP)
    for view in (restored, rebuilt):
        assert view.profiles == mm.view.profiles
        assert view.ranking(config).top(need) == mm.view.ranking(config).top(need)
        assert view.ranking(config).declined("vax", "glass")
        assert view.proposal_for(p_pair(mm, p.proposal_id)) == p.proposal_id


def p_pair(mm: Matchmaking, proposal_id: str) -> PairKey:
    return PROPOSALS.decode(mm.proposals.documents[proposal_id]).pair


async def test_an_older_profile_change_folded_after_a_newer_one_changes_nothing(mm: Matchmaking) -> None:
    vax = [e for e in delivered(mm.profiles.published) if e.event.key() == "vax"]
    assert len(vax) == 2  # seeded, then declared
    view = MatchmakingView()
    view.fold(vax[::-1])  # the declaration, then a redelivered seed
    assert [n.need_id for n in view.profiles["vax"].needs] == ["n1"]


async def test_the_ranking_follows_a_declaration_and_the_groups_stored_settings(mm: Matchmaking) -> None:
    async def ranked() -> list[tuple[str, str]]:
        return [
            (m.supplier_id, m.offering_id) for m in await mm.queries.matches(tenant("vax"), "vax", "n1", 5)
        ]

    assert await ranked() == [("glass", "vials"), ("chips", "wafers")]
    vials = cmd.DeclaredOffering("vials", "疫苗西林瓶", "bio.packaging", 10000, ("GMP",), Kind.SUPPLY)
    await mm.service.declare_profile(staff("p2"), cmd.DeclareProfile("chips", (vials,), (), None), None)
    assert ("chips", "vials") in await ranked(), "the new offering is ranked"
    assert ("chips", "wafers") not in await ranked(), "the replaced one is gone"
    await mm.service.configure_matching(admin(), cmd.ConfigureMatching(Weights(), group_wide=False), None)
    assert await ranked() == [("glass", "vials")], "chips is in another park: the stored settings rank"
