"""The commitment register, the pricing policy's ranges and park administration at their edges.

Rules from the README: two active commitments promising the same kind of benefit in different amounts
to an overlapping group of tenants in overlapping periods contradict each other; rates stay in their
ranges; a policy change leaves signed leases at their rents; metrics exist for the founding year up to
this one; only a vacant unit is renovated."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from leasing.domain import lease_book, park_admin
from leasing.domain.commands import RenewLease, ReportMetrics, SetPricingPolicy, StartRenovation
from leasing.domain.commitments import Eligibility
from leasing.domain.policy import PricingPolicy
from leasing.domain.stage import LifecycleStage
from leasing.domain.tenants import YearlyMetrics
from parkops_contracts.events.leasing import UnitType
from parkops_kernel.errors import Conflict, Unprocessable
from pydantic import ValidationError

from .pricing_fixtures import commitment, register
from .test_lease_lifecycle import AT, JAN, park, sign

STARTUP, GROWTH = LifecycleStage.STARTUP, LifecycleStage.GROWTH


def test_eligibilities_overlap_when_some_tenant_could_meet_both() -> None:
    ic, ic_design = Eligibility(industry_prefixes=["C39"]), Eligibility(industry_prefixes=["C3973"])
    anyone = Eligibility()
    assert ic.overlaps(ic_design)
    assert ic_design.overlaps(ic)
    assert ic.overlaps(anyone)
    assert anyone.overlaps(ic)
    assert not ic.overlaps(Eligibility(industry_prefixes=["I65"]))
    startups, growth = Eligibility(stages=[STARTUP]), Eligibility(stages=[GROWTH])
    assert not startups.overlaps(growth)
    assert not growth.overlaps(startups)
    assert startups.overlaps(anyone)
    assert anyone.overlaps(startups)
    assert startups.overlaps(Eligibility(stages=[GROWTH, STARTUP]))


def test_validities_that_share_one_day_overlap() -> None:
    first = commitment("a", months=24, valid=(date(2026, 1, 1), date(2027, 12, 31)))
    touching = commitment("b", months=12, valid=(date(2027, 12, 31), date(2028, 12, 31)))
    after = commitment("c", months=12, valid=(date(2028, 1, 1), date(2028, 12, 31)))
    assert first.contradicts(touching)
    assert touching.contradicts(first)
    assert not first.contradicts(after)
    assert not after.contradicts(first)
    assert not first.contradicts(commitment("d", months=24, valid=(date(2027, 12, 31), date(2028, 12, 31))))


def test_a_commitment_is_still_active_on_its_last_day() -> None:
    p = park()
    ends = date(2027, 6, 30)
    park_admin.register_commitment(
        p, register(commitment("gov", months=24, valid=(date(2026, 1, 1), ends))), "-", ends
    )
    rival = commitment("op", months=6, valid=(date(2026, 1, 1), date(2028, 12, 31)))
    with pytest.raises(Conflict, match="contradicts active commitment gov"):
        park_admin.register_commitment(p, register(rival), "-", ends)
    park_admin.register_commitment(p, register(rival), "-", ends + timedelta(days=1))
    assert sorted(p.commitments) == ["gov", "op"]
    with pytest.raises(Conflict, match=r"^commitment gov is already registered$"):
        park_admin.register_commitment(p, register(commitment("gov", months=3)), "-", ends)


@pytest.mark.parametrize(
    ("rate", "low", "high"),
    [
        ("industry_fit_discount", "0.10", "0.30"),
        ("unrelated_industry_premium", "0.10", "0.20"),
        ("long_lease_step_down", "0", "0.20"),
    ],
)
def test_policy_rates_stay_in_their_ranges(rate: str, low: str, high: str) -> None:
    step = Decimal("0.01")
    for inside in (Decimal(low), Decimal(high)):
        assert getattr(PricingPolicy.model_validate({rate: inside}), rate) == inside
    for outside in (Decimal(low) - step, Decimal(high) + step):
        with pytest.raises(ValidationError, match=rate):
            PricingPolicy.model_validate({rate: outside})


def test_a_new_policy_prices_what_comes_next_and_leaves_signed_rents() -> None:
    p = park()
    signed = sign(p)
    dearer = PricingPolicy(base_rents={UnitType.RND_BUILDING: Decimal(50)})
    assert park_admin.set_pricing_policy(p, SetPricingPolicy(dearer)) is dearer
    assert p.pricing_policy is dearer
    assert signed.rents == [Decimal("3600.00")] * 12  # 100 m² x 45 x 0.8
    renewal = lease_book.renew_lease(p, RenewLease("l1", 12, None), "l2", AT)
    assert renewal.rents == [Decimal("4000.00")] * 12  # 100 m² x 50 x 0.8


def test_metrics_exist_from_the_founding_year_to_this_year() -> None:
    p = park()  # t1 founded 1 Jan 2015; AT is in 2026
    for year in (2015, 2026):
        figures = YearlyMetrics(year=year, tax_paid=Decimal(1), revenue=Decimal(2), headcount=3)
        assert park_admin.report_metrics(p, ReportMetrics("t1", figures), AT).metrics[year] == figures
    for year in (2014, 2027):
        with pytest.raises(Unprocessable) as refused:
            park_admin.report_metrics(
                p,
                ReportMetrics(
                    "t1", YearlyMetrics(year=year, tax_paid=Decimal(1), revenue=Decimal(2), headcount=3)
                ),
                AT,
            )
        assert refused.value.field == "year"
        assert f"year: {year} is outside 2015 (founding) to 2026 (this year)" == str(refused.value)
    assert sorted(p.tenants["t1"].metrics) == [2015, 2026]


def test_only_a_unit_vacant_today_goes_into_renovation() -> None:
    p = park()
    sign(p)  # u0 through 2027
    with pytest.raises(Conflict, match="unit u0 is occupied by tenant t1"):
        park_admin.start_renovation(p, StartRenovation("u0"), JAN)
    assert (
        park_admin.start_renovation(p, StartRenovation("u1"), JAN).unit_id == "u1"
    )  # the lease holds u0 only
    park_admin.start_renovation(p, StartRenovation("u0"), date(2028, 1, 1))  # the day after it ends
