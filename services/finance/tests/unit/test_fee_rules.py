"""Fee catalogue bounds at their edges and the amounts charged, counted by hand from the domain rules
(docs/domain.md, "Finance and commission") and the README: every derived amount is rounded half-up to the
cent once."""

from datetime import date
from decimal import Decimal

import pytest
from finance.domain.charges import charge_amount, charge_fee, close_funding, grant_subsidy
from finance.domain.commands import Charge, ChargeFee, CloseFunding, GrantSubsidy
from finance.domain.fees import EnterpriseSize, FeeCatalogue, FeeKind
from finance.domain.ledger import Account, Stream
from finance.domain.money import entered_amount, within_ceiling
from finance.domain.payers import is_institution
from parkops_contracts.events.finance import (
    CommissionEarned,
    FundingClosed,
    FundingInstrument,
    SubsidyGranted,
)
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import cny, percent_of
from pydantic import ValidationError

from .books_fixtures import START, books

D = Decimal
SIZES = list(EnterpriseSize)


@pytest.mark.parametrize(
    "change",
    [
        {"platform_fee": dict(zip(SIZES, ["10000.00", "10000.00", "50000.00"], strict=True))},
        {"talent_placement_fee": "500.00"},
        {"talent_placement_fee": "1000.00"},
        {"application_fee_percent": "5"},
        {"application_fee_percent": "10"},
        {"commission_min_percent": "3", "commission_max_percent": "3", "commission_percent": "3"},
        {"commission_min_percent": "1", "commission_max_percent": "1", "commission_percent": "1"},
    ],
)
def test_catalogue_values_on_the_bounds_are_accepted(change: dict[str, object]) -> None:
    FeeCatalogue.model_validate(change)


@pytest.mark.parametrize(
    "change",
    [
        {"platform_fee": dict(zip(SIZES, ["10000.00", "50000.01", "50000.00"], strict=True))},
        {"talent_placement_fee": "499.99"},
        {"application_fee_percent": "10.01"},
        {"commission_max_percent": "3.01"},
        {"commission_min_percent": "0.99"},
        {"commission_percent": "0.99"},
        {"commission_min_percent": "2", "commission_percent": "1.99"},
        {"commission_max_percent": "2", "commission_percent": "2.01"},
    ],
)
def test_catalogue_values_just_outside_the_bounds_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FeeCatalogue.model_validate(change)


def test_a_deal_is_charged_its_own_rate_inside_the_parks_bounds_else_the_parks() -> None:
    catalogue = FeeCatalogue(
        commission_min_percent=D(1), commission_max_percent=D(2), commission_percent=D("1.5")
    )
    assert catalogue.commission_rate(None) == D("1.5")
    assert catalogue.commission_rate(D(1)) == D(1)
    assert catalogue.commission_rate(D(2)) == D(2)
    for outside in (D("0.99"), D("2.01")):
        with pytest.raises(
            Unprocessable, match=rf"rate {outside}% is outside the park's bounds 1-2%"
        ) as refused:
            catalogue.commission_rate(outside)
        assert refused.value.field == "rate_percent"


@pytest.mark.parametrize(
    ("kind", "quantity", "size", "amount"),
    [
        (FeeKind.PLATFORM, D(10), EnterpriseSize.LARGE, "500000.00"),  # the longest term, 10 years
        (FeeKind.PLATFORM, D(1), EnterpriseSize.SMALL, "10000.00"),
        (FeeKind.TALENT_PLACEMENT, D(2), None, "1600.00"),
        (FeeKind.MATCHMAKING_MEETING, D(3), None, "15000.00"),
        (FeeKind.TESTING, D(2), None, "40000.00"),
        (FeeKind.PROPERTY, D("120.5"), None, "602.50"),
        (FeeKind.PROPERTY, D("0.001"), None, "0.01"),  # 5.00 x 0.001 = 0.005: half-up
    ],
)
def test_a_fee_is_the_catalogue_price_times_the_quantity(
    kind: FeeKind, quantity: Decimal, size: EnterpriseSize | None, amount: str
) -> None:
    assert FeeCatalogue().fee(kind, quantity, size) == D(amount)


@pytest.mark.parametrize(
    ("kind", "quantity", "size", "field", "why"),
    [
        (FeeKind.TESTING, D(0), None, "quantity", "quantity must be positive"),
        (FeeKind.TESTING, D(-1), None, "quantity", "quantity must be positive"),
        (FeeKind.PLATFORM, D(1), None, "size", "needs the enterprise size"),
        (FeeKind.PLATFORM, D("1.5"), EnterpriseSize.SMALL, "quantity", "whole years"),
        (FeeKind.PLATFORM, D(11), EnterpriseSize.SMALL, "quantity", "1-10 years"),
    ],
)
def test_a_fee_quantity_outside_the_rules_is_refused(
    kind: FeeKind, quantity: Decimal, size: EnterpriseSize | None, field: str, why: str
) -> None:
    with pytest.raises(Unprocessable, match=why) as refused:
        FeeCatalogue().fee(kind, quantity, size)
    assert refused.value.field == field


def test_charged_fees_go_to_their_streams_and_the_platform_fee_is_deferred_per_year() -> None:
    b = books()
    platform = charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(2), EnterpriseSize.SMALL, START), "r1")
    assert platform is not None
    assert (platform.amount, platform.stream) == (D("20000.00"), Stream.VALUE_ADDED_SERVICES)
    assert "small" in platform.description
    assert "platform" in platform.description
    assert b.deferrals[platform.invoice_id].months == 24  # two service years, billed in advance
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == D("-20000.00")
    property_fee = charge_fee(b, ChargeFee("t1", FeeKind.PROPERTY, D(100), None, START), "r2")
    assert property_fee is not None
    assert (property_fee.amount, property_fee.stream) == (D("500.00"), Stream.PROPERTY)
    assert property_fee.invoice_id not in b.deferrals
    assert b.ledger.balances()[Account.REVENUE_PROPERTY] == D("-500.00")
    talent = charge_fee(b, ChargeFee("t1", FeeKind.TALENT_PLACEMENT, D(1), None, START), "r3")
    assert talent is not None
    assert talent.stream is Stream.INDUSTRY_SERVICES
    assert talent.description == "talent_placement fee x 1"


def test_a_priced_service_is_invoiced_once_per_cause() -> None:
    b = books()
    ticket = charge_amount(b, Charge("t1", Stream.PROPERTY, D("80.00"), START, "repair"), "ticket-1")
    assert ticket is not None
    assert (ticket.amount, ticket.description, ticket.cause) == (D("80.00"), "repair", "ticket-1")
    assert charge_amount(b, Charge("t1", Stream.PROPERTY, D("80.00"), START, "repair"), "ticket-1") is None
    assert len(b.invoices) == 1
    assert (
        charge_amount(b, Charge("t1", Stream.PROPERTY, D("90.00"), START, "repair"), "ticket-2") is not None
    )
    assert {"ticket-1", "ticket-2"} <= b.applied


def test_a_commission_is_the_rate_of_the_deal_rounded_half_up() -> None:
    b = books()
    close_funding(
        b, CloseFunding("d1", "t1", "ICBC", FundingInstrument.LOAN, D("1000.50"), "t1", D("1.5"), START), "c"
    )
    closed, earned = b.events[0], b.events[-1]
    assert isinstance(closed, FundingClosed)
    assert (closed.deal_id, closed.tenant_id, closed.institution, closed.amount, closed.payer_id) == (
        "d1", "t1", "ICBC", D("1000.50"), "t1",
    )  # fmt: skip
    assert (closed.closed_on, closed.cause, closed.park_id) == (START, "c", "p1")
    assert isinstance(earned, CommissionEarned)
    assert (earned.amount, earned.rate_percent, earned.deal_id) == (D("15.01"), D("1.5"), "d1")  # 15.0075
    assert b.invoices[earned.invoice_id].amount == D("15.01")
    assert b.invoices[earned.invoice_id].stream is Stream.INDUSTRY_SERVICES
    close_funding(
        b, CloseFunding("d1", "t1", "ICBC", FundingInstrument.LOAN, D("1000.50"), "t1", D("1.5"), START), "c"
    )
    assert len(b.events) == 4  # funding, invoice, its revenue, commission: a replay adds nothing


def test_a_deal_without_a_rate_pays_the_parks_and_a_zero_commission_bills_nothing() -> None:
    b = books()
    close_funding(b, CloseFunding("d1", "t1", "x", FundingInstrument.LOAN, D("0.33"), "t1", None, START), "c")
    assert [type(e) for e in b.events] == [FundingClosed]  # 1.5% of 0.33 = 0.00495 -> 0.00
    assert not b.invoices
    close_funding(
        b, CloseFunding("d2", "t1", "x", FundingInstrument.LOAN, D("1000.00"), "t1", None, START), "c2"
    )
    assert b.events[-1].amount == D("15.00")  # type: ignore[attr-defined]


def test_the_application_fee_is_the_parks_percent_of_the_subsidy() -> None:
    b = books()
    b.catalogue = FeeCatalogue(application_fee_percent=D(5))
    grant_subsidy(b, GrantSubsidy("s1", "t1", "grant", D("1000.10"), date(2026, 3, 2)), "c")
    granted = b.events[0]
    assert isinstance(granted, SubsidyGranted)
    assert (granted.subsidy_id, granted.tenant_id, granted.policy, granted.amount, granted.granted_on) == (
        "s1", "t1", "grant", D("1000.10"), date(2026, 3, 2),
    )  # fmt: skip
    (fee,) = b.invoices.values()
    assert (fee.amount, fee.payer_id, fee.stream) == (D("50.01"), "t1", Stream.INDUSTRY_SERVICES)  # 50.005
    grant_subsidy(b, GrantSubsidy("s1", "t1", "grant", D("1000.10"), date(2026, 3, 2)), "c")
    assert len(b.invoices) == 1
    grant_subsidy(
        b, GrantSubsidy("s2", "t1", "tiny", D("0.09"), date(2026, 3, 2)), "c2"
    )  # 5% = 0.0045 -> 0.00
    assert len(b.invoices) == 1
    grant_subsidy(
        b, GrantSubsidy("s3", "t1", "small", D("10.00"), date(2026, 3, 2)), "c3"
    )  # 5% = 0.50, still billed
    assert [i.amount for i in b.invoices.values()] == [D("50.01"), D("0.50")]
    assert [e.subsidy_id for e in b.events if isinstance(e, SubsidyGranted)] == ["s1", "s2", "s3"]


def test_money_rounds_half_up_once_and_refuses_what_it_cannot_hold() -> None:
    assert cny(D("1.005")) == D("1.01")
    assert cny(D("1.0049")) == D("1.00")
    assert percent_of(D("0.50"), D(1)) == D("0.01")  # 0.005
    assert within_ceiling(D(10) ** 12, "x") == D(10) ** 12
    with pytest.raises(Unprocessable) as refused:
        within_ceiling(D(10) ** 12 + D("0.01"), "quantity")
    assert refused.value.field == "quantity"
    assert entered_amount("0.01") == D("0.01")
    assert entered_amount(D("1000000000000")) == D("1000000000000.00")
    bad_amounts = (
        ("1.001", "decimal places"), ("1e30", "too large"), ("NaN", "finite"), ("-0.01", "positive"),
        ("abc", "not a number"), ("1000000000000.01", "exceeds"),
    )  # fmt: skip
    for bad, why in bad_amounts:
        with pytest.raises(Unprocessable, match=why) as refused:
            entered_amount(bad)
        assert refused.value.field == ("amount" if why == "exceeds" else None)


def test_an_institution_is_a_payer_named_as_such() -> None:
    assert is_institution("institution:bank-icbc")
    assert not is_institution("t1")
    assert not is_institution("bank-institution:x")
