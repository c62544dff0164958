"""What each role sees of proposals and meetings, and whose need a proposal is reused for."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from matchmaking.access import acting_side, meeting_view, sees_meeting, sees_proposal
from matchmaking.domain.default_chain import default_chain_map
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.profiles import Profile
from matchmaking.domain.proposal import Proposal, pair_of
from matchmaking.read_model import MatchmakingView
from parkops_kernel.errors import Forbidden, NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry

from services.matchmaking.tests.unit.support import GROUP, delivery, firm, index_of, need, offer

AT = datetime(2026, 11, 27, 9, tzinfo=UTC)


def access(role: Role, park: str = "p1", tenant: str | None = None, group: str = GROUP) -> ParkAccess:
    return ParkAccess(
        Principal("u", role, group, frozenset({park}), tenant), ParkEntry(park, group, park, AT)
    )


def proposal(buyer: str, supplier: str, supplier_park: str = "p1", pid: str = "p-1") -> Proposal:
    firms = [firm(buyer, "bio.drug_manufacturing"), firm(supplier, "bio.packaging", park=supplier_park)]
    index = index_of(firms, [offer("vials", supplier, "疫苗西林瓶", "bio.packaging")])
    [scored] = index.top(replace(need(buyer, "疫苗西林瓶"), need_id="n1"))  # every buyer's own "n1"
    return Proposal.propose(pid, scored, firms[0], AT)


def test_a_tenant_sees_proposals_it_is_a_side_of_staff_those_touching_their_park() -> None:
    p = proposal("vax", "glass", supplier_park="p2")
    assert sees_proposal(access(Role.TENANT_USER, tenant="vax"), p)
    assert not sees_proposal(access(Role.TENANT_USER, tenant="pharma"), p)
    assert not sees_proposal(access(Role.TENANT_USER, "p1", tenant="glass"), p), "glass is a side in p2"
    assert sees_proposal(access(Role.TENANT_USER, "p2", tenant="glass"), p)
    assert sees_proposal(access(Role.PARK_OPERATOR, "p2"), p)
    assert not sees_proposal(access(Role.PARK_OPERATOR, "p3"), p)
    assert not sees_proposal(access(Role.GROUP_ADMIN, group="g2"), p)


def test_staff_answer_for_the_side_in_their_park_tenants_for_themselves_auditors_not_at_all() -> None:
    p = proposal("vax", "glass", supplier_park="p2")
    assert acting_side(access(Role.TENANT_USER, tenant="vax"), p, "glass") == "vax"
    assert acting_side(access(Role.PARK_OPERATOR, "p2"), p, "glass") == "glass"
    with pytest.raises(NotFound):
        acting_side(access(Role.PARK_OPERATOR, "p1"), p, "glass")
    with pytest.raises(Forbidden):
        acting_side(access(Role.AUDITOR), p, "vax")


def test_a_tenant_sees_a_meeting_it_is_in_with_only_its_counterparts() -> None:
    proposals = {p.proposal_id: p for p in (
        proposal("vax", "glass", pid="a"), proposal("pharma", "glass", pid="b")
    )}  # fmt: skip
    meeting = Meeting(
        "m1", "p1", GROUP, "Vials", date(2026, 12, 1), {"vax": "p1", "pharma": "p1", "glass": "p1"},
        ["a", "b"], ["pharma", "vax"],
    )  # fmt: skip
    seen = meeting_view(access(Role.TENANT_USER, tenant="vax"), meeting, proposals)
    assert (seen.participants, seen.proposal_ids, seen.attended) == (
        {"vax": "p1", "glass": "p1"},
        ["a"],
        ["vax"],
    )
    assert meeting_view(access(Role.TENANT_USER, tenant="glass"), meeting, proposals).participants == (
        meeting.participants
    )
    assert meeting_view(access(Role.AUDITOR), meeting, proposals) is meeting
    assert not sees_meeting(access(Role.TENANT_USER, tenant="idle"), meeting)
    assert not sees_meeting(access(Role.PARK_OPERATOR, "p2"), replace(meeting, park_id="p1"))


def test_the_same_client_chosen_need_id_of_two_buyers_names_two_needs() -> None:
    state = MatchmakingView()
    first = proposal("vax", "glass")
    state.fold([delivery(e) for e in first.events])
    other = proposal("pharma", "glass", pid="p-2")
    assert (other.need_id, other.offering_id) == (first.need_id, first.offering_id)
    assert other.pair != first.pair
    assert state.proposal_for(other.pair) is None
    assert state.proposal_for(first.pair) == first.proposal_id
    buyer = firm("vax", "bio.drug_manufacturing")
    index = index_of(
        [buyer, firm("glass", "bio.packaging")], [offer("vials", "glass", "疫苗西林瓶", "bio.packaging")]
    )
    [scored] = index.top(replace(need("vax", "疫苗西林瓶"), need_id="n1"))
    assert pair_of(scored, buyer) == first.pair
    assert pair_of(scored, replace(buyer, group_id="g2")) != first.pair, "another group's same ids"


def test_a_profile_names_each_need_and_offering_once() -> None:
    profile = Profile(firm("vax", None))
    with pytest.raises(Unprocessable, match=r"needs\.1\.need_id") as refused:
        profile.declare([], [need("vax", "西林瓶"), need("vax", "胶塞")], default_chain_map(), AT)
    assert refused.value.field == "needs.1.need_id"
    assert profile.needs == []


def test_a_pairs_latest_proposal_is_the_one_proposed_last_whatever_order_they_are_folded_in() -> None:
    older = proposal("vax", "glass", pid="p-1").events[0]
    newer = proposal("vax", "glass", pid="p-2").events[0]
    newer = newer.model_copy(update={"proposed_at": AT + timedelta(minutes=1)})
    pair = proposal("vax", "glass").pair
    for order in ([older, newer], [newer, older], [newer, older, older]):
        view = MatchmakingView()
        view.fold([delivery(e, i) for i, e in enumerate(order)])
        assert view.proposal_for(pair) == "p-2"
