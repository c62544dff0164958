from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from matchmaking import repository as codec
from matchmaking.domain.meeting import Meeting
from matchmaking.domain.proposal import Proposal, Status
from parkops_contracts.events.matchmaking import (
    DealClosed,
    MatchAccepted,
    MatchDeclined,
    MatchmakingMeetingAttended,
    MatchProposed,
)
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

from services.matchmaking.tests.unit.support import firm, index_of, need, offer

AT = datetime(2026, 11, 27, 9, tzinfo=UTC)


def proposed() -> Proposal:
    buyer = firm("vax", "bio.drug_manufacturing")
    index = index_of([buyer, firm("glass", "bio.packaging", park="p2")], [
        offer("o-vial", "glass", "疫苗西林瓶", "bio.packaging", certs="GMP")
    ])  # fmt: skip
    scored = index.top(need("vax", "疫苗西林瓶", certs="GMP"))[0]
    return Proposal.propose("p-1", scored, buyer, AT)


def test_a_proposal_carries_its_score_breakdown_in_the_event() -> None:
    proposal = proposed()
    [event] = proposal.events
    assert isinstance(event, MatchProposed)
    assert (event.buyer_id, event.supplier_id, event.supplier_park_id) == ("vax", "glass", "p2")
    assert event.park_id == "p1"
    assert event.score == proposal.score
    assert abs(sum(c.value * c.weight for c in event.breakdown) - event.score) < 1e-3


def test_both_sides_accept_once_then_a_deal_closes() -> None:
    proposal = proposed()
    proposal.events.clear()
    proposal.accept("vax", AT)
    assert proposal.status is Status.PROPOSED
    assert proposal.events == []
    with pytest.raises(Conflict, match="already accepted"):
        proposal.accept("vax", AT)
    with pytest.raises(Conflict, match="only an accepted one"):
        proposal.close_deal(Decimal(100), Decimal(15), AT)
    proposal.accept("glass", AT)
    assert proposal.status is Status.ACCEPTED
    assert isinstance(proposal.events[-1], MatchAccepted)
    with pytest.raises(Conflict):
        proposal.accept("glass", AT)
    with pytest.raises(Conflict):
        proposal.decline("glass", AT)
    with pytest.raises(Unprocessable, match="value_cny"):
        proposal.close_deal(Decimal(0), Decimal(0), AT)
    proposal.close_deal(Decimal("250000.00"), Decimal("37500.00"), AT)
    deal = proposal.events[-1]
    assert isinstance(deal, DealClosed)
    assert deal.estimated_saving_cny == Decimal("37500.00")


def test_a_declined_proposal_cannot_be_accepted_and_strangers_are_not_sides() -> None:
    proposal = proposed()
    with pytest.raises(NotFound):
        proposal.accept("stranger", AT)
    proposal.decline("glass", AT)
    assert isinstance(proposal.events[-1], MatchDeclined)
    with pytest.raises(Conflict, match="declined"):
        proposal.accept("vax", AT)


def test_attendance_is_recorded_once_per_invited_enterprise() -> None:
    meeting = Meeting("m1", "p1", "g1", "November", date(2026, 11, 30), {"vax": "p1", "glass": "p2"})
    meeting.record_attendance("glass", AT)
    [event] = meeting.events
    assert isinstance(event, MatchmakingMeetingAttended)
    assert (event.park_id, event.meeting_park_id, event.tenant_id) == ("p2", "p1", "glass")
    with pytest.raises(Conflict):
        meeting.record_attendance("glass", AT)
    with pytest.raises(NotFound):
        meeting.record_attendance("stranger", AT)


def test_aggregates_survive_the_round_trip_through_their_documents() -> None:
    proposal = proposed()
    proposal.accept("vax", AT)
    proposal.events.clear()
    doc = {**codec.proposal_doc(proposal), "_id": proposal.proposal_id, "_version": 3}
    back = codec.proposal_of(doc)
    assert back.breakdown == proposal.breakdown
    assert (back.status, back.accepted_by) == (proposal.status, ["vax"])
    meeting = Meeting("m1", "p1", "g1", "November", date(2026, 11, 30), {"vax": "p1"}, ["p-1"], ["vax"])
    doc = {**codec.meeting_doc(meeting), "_id": "m1", "_version": 2}
    assert codec.meeting_of(doc) == Meeting(
        "m1", "p1", "g1", "November", date(2026, 11, 30), {"vax": "p1"}, ["p-1"], ["vax"]
    )
