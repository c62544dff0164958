"""Issue 16 in matchmaking: a deal carries the agreed saving, amount and %; without an agreed % it is the
saving ÷ (value + saving) x 100, rounded half-up to 2 decimals."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from matchmaking import repository as codec
from matchmaking.domain.proposal import Proposal, agreed_saving_percent, saving_percent
from matchmaking.schemas import DealCreate
from parkops_contracts.events.matchmaking import DealClosed
from parkops_kernel.errors import Unprocessable
from pydantic import ValidationError

from services.matchmaking.tests.unit.support import firm, index_of, need, offer

AT = datetime(2026, 5, 1, tzinfo=UTC)
D = Decimal


def accepted() -> Proposal:
    buyer = firm("vax", "bio.drug_manufacturing")
    index = index_of([buyer, firm("glass", "bio.packaging", park="p2")], [
        offer("o-vial", "glass", "疫苗西林瓶", "bio.packaging", certs="GMP")
    ])  # fmt: skip
    proposal = Proposal.propose("p-1", index.top(need("vax", "疫苗西林瓶", certs="GMP"))[0], buyer, AT)
    proposal.accept("vax", AT)
    proposal.accept("glass", AT)
    return proposal


def test_the_saving_percent_is_the_saving_over_what_was_paid_before_half_up() -> None:
    assert saving_percent(D("85.00"), D("15.00")) == D("15.00")  # paid 100 before, 85 now
    assert saving_percent(D("250000.00"), D("37500.00")) == D("13.04")  # 13.0434...
    assert saving_percent(D("199.99"), D("0.01")) == D("0.01")  # 0.005 rounds up
    assert saving_percent(D("200.01"), D("0.01")) == D("0.00")  # 0.004998 rounds down
    assert saving_percent(D("1000.00"), D("0.00")) == D("0.00")


def test_an_agreed_percent_is_taken_when_it_fits_the_amount() -> None:
    assert agreed_saving_percent(D(85), D(15), D("17.50")) == D("17.50")
    for amount, agreed in ((D(15), D(0)), (D(0), D("5")), (D(15), D(100))):
        with pytest.raises(Unprocessable) as refused:
            agreed_saving_percent(D(85), amount, agreed)
        assert refused.value.field == "saving_percent"


def test_the_deal_carries_amount_and_percent_in_the_event_and_the_document() -> None:
    derived, agreed = accepted(), accepted()
    derived.close_deal(D("85000.00"), D("15000.00"), AT)
    agreed.close_deal(D("85000.00"), D("15000.00"), AT, D("16.25"))
    for proposal, percent in ((derived, D("15.00")), (agreed, D("16.25"))):
        deal = proposal.events[-1]
        assert isinstance(deal, DealClosed)
        assert (deal.estimated_saving_cny, deal.saving_percent) == (D("15000.00"), percent)
        doc = codec.proposal_doc(proposal)
        assert doc["saving_percent"] == str(percent)  # a string in the store, as money is
        stored = codec.proposal_of({"_id": "p-1", **doc})
        assert stored.saving_percent == percent


def test_a_deal_stored_before_the_percent_was_kept_still_loads() -> None:
    doc = {"_id": "p-1", **codec.proposal_doc(accepted())}
    del doc["saving_percent"]
    assert codec.proposal_of(doc).saving_percent is None


def test_the_request_takes_a_percent_below_100_with_2_decimals() -> None:
    assert DealCreate(value_cny=D(85), estimated_saving_cny=D(15), saving_percent=D("15.5")).saving_percent
    for bad in ("100", "-1", "15.123"):
        with pytest.raises(ValidationError, match="saving_percent"):
            DealCreate(value_cny=D(85), estimated_saving_cny=D(15), saving_percent=D(bad))
