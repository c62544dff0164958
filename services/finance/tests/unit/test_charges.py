from decimal import Decimal

import pytest
from finance.domain.charges import charge_fee, close_funding, grant_subsidy
from finance.domain.commands import Charge, ChargeFee, CloseFunding, GrantSubsidy
from finance.domain.fees import EnterpriseSize, FeeCatalogue, FeeKind
from finance.domain.lease_billing import run_billing
from finance.domain.ledger import Account, Stream
from finance.domain.payments import cancel_invoice
from finance.domain.reports import revenue_report
from parkops_contracts.events.finance import CommissionEarned, FundingInstrument, SubsidyGranted
from parkops_kernel.errors import Unprocessable
from pydantic import ValidationError

from .books_fixtures import START, books

D = Decimal
BANK = "institution:bank-icbc"  # the bank pays the commission: a payer that is not a tenant


@pytest.mark.parametrize(
    "change",
    [
        {"platform_fee": {"small": "9999.99"}},
        {"talent_placement_fee": "1000.01"},
        {"application_fee_percent": "4.9"},
        {"commission_min_percent": "0.5"},
        {"commission_min_percent": "2.5", "commission_max_percent": "2", "commission_percent": "2"},
        {"commission_percent": "3.5"},
        {"matchmaking_meeting_fee": "0"},
        {"property_fee_per_m2": "1.234"},
        {"platform_fee": {"small": "10000.00"}},  # no price for medium and large enterprises
        {"testing_fee": "1e30"},
        {"property_fee_per_m2": "Infinity"},
        {"application_fee_percent": "NaN"},
    ],
)
def test_catalogue_bounds_are_enforced(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FeeCatalogue.model_validate(change)


def test_fees_are_priced_from_the_catalogue() -> None:
    b = books()
    platform = charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(1), EnterpriseSize.MEDIUM, START), "r1")
    talent = charge_fee(b, ChargeFee("t1", FeeKind.TALENT_PLACEMENT, D(3), None, START), "r2")
    meeting = charge_fee(b, ChargeFee("t2", FeeKind.MATCHMAKING_MEETING, D(1), None, START), "r3")
    assert platform
    assert platform.amount == D("30000.00")
    assert talent
    assert talent.amount == D("2400.00")
    assert meeting
    assert meeting.amount == D("5000.00")
    assert (
        charge_fee(b, ChargeFee("t1", FeeKind.TESTING, D(1), None, START), "r1") is None
    )  # replayed request
    with pytest.raises(Unprocessable):
        charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(1), None, START), "r4")


@pytest.mark.parametrize(
    ("kind", "quantity", "size"),
    [
        (FeeKind.TESTING, D(10) ** 20, None),  # 2 x 10^24 CNY
        (FeeKind.TESTING, D(50_000_001), None),  # 10^12 + 20,000 CNY: just over the ceiling
        (FeeKind.PLATFORM, D(11), EnterpriseSize.SMALL),  # more years than a service term
    ],
)
def test_a_fee_beyond_the_ceiling_is_refused_naming_the_quantity(
    kind: FeeKind, quantity: Decimal, size: EnterpriseSize | None
) -> None:
    b = books()
    with pytest.raises(Unprocessable) as refused:
        charge_fee(b, ChargeFee("t1", kind, quantity, size, START), "r1")
    assert refused.value.field == "quantity"
    assert not b.invoices
    assert not b.applied
    assert (
        charge_fee(b, ChargeFee("t1", FeeKind.TESTING, D(50_000_000), None, START), "r2") is not None
    )  # 10^12


def test_no_invoice_exceeds_the_ceiling() -> None:
    b = books()
    with pytest.raises(Unprocessable) as refused:
        b.issue_invoice(Charge("t1", Stream.PROPERTY, D(10) ** 12 + D("0.01"), START, "too much"), "c")
    assert refused.value.field == "amount"
    assert not b.invoices
    assert not b.ledger.entries


def test_funding_closed_earns_a_commission_invoiced_to_the_named_payer() -> None:
    b = books()
    close_funding(
        b, CloseFunding("d1", "t1", "ICBC", FundingInstrument.LOAN, D("5000000000"), BANK, D(1.5), START), "c"
    )
    earned = [e for e in b.events if isinstance(e, CommissionEarned)]
    assert earned[0].amount == D("75000000.00")
    assert b.invoices[earned[0].invoice_id].payer_id == BANK
    assert b.ledger.balances()[Account.REVENUE_INDUSTRY_SERVICES] == D("-75000000.00")


def test_a_commission_rate_outside_the_parks_bounds_is_rejected() -> None:
    b = books()
    b.catalogue = FeeCatalogue(
        commission_min_percent=D(1), commission_max_percent=D(2), commission_percent=D(1)
    )
    with pytest.raises(Unprocessable):
        close_funding(
            b,
            CloseFunding("d1", "t1", "x", FundingInstrument.EQUITY_ROUND, D(100), "t1", D("2.5"), START),
            "c",
        )
    assert not b.events
    assert not b.applied


def test_a_subsidy_granted_charges_the_application_fee() -> None:
    b = books()
    grant_subsidy(b, GrantSubsidy("s1", "t1", "high-tech grant", D("1000000.00"), START), "c")
    assert isinstance(b.events[0], SubsidyGranted)
    report = revenue_report(b.ledger, "2026")
    assert report.service_revenue == D("80000.00")
    assert report.service_share == D(1)


def test_the_platform_fee_is_deferred_and_recognised_month_by_month() -> None:
    b = books()
    prices = dict(zip(EnterpriseSize, [D("10000.00"), D(20000), D(40000)], strict=True))
    b.catalogue = FeeCatalogue(platform_fee=prices)
    fee = charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(1), EnterpriseSize.SMALL, START), "r1")
    assert fee is not None
    assert revenue_report(b.ledger, "2026").service_revenue == 0
    run_billing(b, "2026-03", "run-mar")
    assert revenue_report(b.ledger, "2026-03").service_revenue == D("833.33")
    assert revenue_report(b.ledger, "2026").service_revenue == D("2499.99")
    run_billing(b, "2026-12", "run-dec")
    run_billing(b, "2027-06", "run-later")
    assert revenue_report(b.ledger, "2026-12").service_revenue == D("833.37")  # the last month evens out
    assert revenue_report(b.ledger, "2026").service_revenue == D("10000.00")
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == 0


def test_cancelling_a_platform_fee_reverses_the_unrecognised_part() -> None:
    b = books()
    fee = charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D(1), EnterpriseSize.LARGE, START), "r1")
    assert fee is not None
    run_billing(b, "2026-06", "run")
    cancel_invoice(b, fee.invoice_id, START.replace(month=6), "cancel")
    assert b.ledger.balances()[Account.DEFERRED_REVENUE] == 0
    assert b.ledger.balances()[Account.REVENUE_VALUE_ADDED_SERVICES] == 0
    run_billing(b, "2026-12", "run-dec")
    assert b.ledger.balances()[Account.REVENUE_VALUE_ADDED_SERVICES] == 0
    with pytest.raises(Unprocessable, match="whole years"):
        charge_fee(b, ChargeFee("t1", FeeKind.PLATFORM, D("0.5"), EnterpriseSize.LARGE, START), "r2")
