from datetime import date
from decimal import Decimal

import pytest
from leasing.domain.months import add_months, lease_end
from leasing.domain.pricing import price
from leasing.domain.quote import RentForEquity, Rule
from leasing.domain.stage import LifecycleStage, stage_on
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import cny

from .pricing_fixtures import POLICY, applicant, commitment, terms


def test_a_leading_industry_tenant_gets_the_fit_discount_every_month() -> None:
    quote = price(terms(), applicant(leading=True), POLICY, [])
    assert quote.monthly_base_rent == Decimal("4500.00")
    assert [line.rent for line in quote.schedule] == [Decimal("3600.00")] * 12
    assert quote.total_rent == Decimal("43200.00")
    assert [r.rule for r in quote.rules] == [Rule.BASE_RENT, Rule.INDUSTRY_FIT_DISCOUNT]
    assert "20% discount" in quote.rules[1].explanation


def test_a_high_tech_tenant_outside_the_leading_industries_also_gets_the_discount() -> None:
    quote = price(terms(), applicant(leading=False, high_tech=True, industry="F51"), POLICY, [])
    assert quote.discount_rate == Decimal("0.20")
    assert "certified high-tech" in quote.rules[1].explanation


def test_an_unrelated_industry_pays_the_premium() -> None:
    quote = price(terms(), applicant(leading=False, industry="F51"), POLICY, [])
    assert (quote.premium_rate, quote.discount_rate) == (Decimal("0.10"), 0)
    assert quote.schedule[0].rent == Decimal("4950.00")
    assert quote.rules[1].rule is Rule.UNRELATED_INDUSTRY_PREMIUM


def test_long_leases_step_down_each_year_compounding() -> None:
    quote = price(terms(term_months=36), applicant(), POLICY, [])
    yearly = [quote.schedule[m].rent for m in (0, 12, 24)]
    assert yearly == [Decimal("3600.00"), Decimal("3420.00"), Decimal("3249.00")]
    assert Rule.LONG_LEASE_STEP_DOWN in [r.rule for r in quote.rules]
    short = price(terms(term_months=35), applicant(), POLICY, [])
    assert Rule.LONG_LEASE_STEP_DOWN not in [r.rule for r in short.rules]


def test_startups_get_rent_free_months() -> None:
    quote = price(terms(), applicant(founded_on=date(2025, 6, 1)), POLICY, [])
    assert quote.lifecycle_stage is LifecycleStage.STARTUP
    assert [line.rent for line in quote.schedule[:7]] == [Decimal(0)] * 6 + [Decimal("3600.00")]
    assert {line.rule for line in quote.schedule[:6]} == {Rule.STARTUP_RENT_FREE}
    assert quote.rent_free_months == 6


def test_rent_for_equity_waives_the_months_after_the_rent_free_ones() -> None:
    deal = RentForEquity(months_waived=12, equity_percent=Decimal("1.5"))
    quote = price(terms(term_months=24, area="5000", equity=deal), applicant(), POLICY, [])
    assert quote.equity is not None
    assert quote.equity.waived_amount == Decimal("2160000.00")  # 12 x 180,000
    assert quote.equity.implied_valuation == Decimal("144000000.00")
    assert [line.rule for line in quote.schedule[:13]] == [Rule.RENT_FOR_EQUITY] * 12 + [None]
    assert quote.rules[-1].rule is Rule.RENT_FOR_EQUITY


def test_waiving_more_months_than_carry_rent_is_refused_naming_the_field() -> None:
    deal = RentForEquity(months_waived=10, equity_percent=Decimal(2))
    with pytest.raises(Unprocessable, match=r"rent_for_equity\.months_waived"):
        price(terms(term_months=12, equity=deal), applicant(founded_on=date(2026, 1, 1)), POLICY, [])


def test_a_government_rent_free_commitment_corrects_the_quote() -> None:
    startup = applicant(founded_on=date(2026, 3, 1))
    quote = price(terms(term_months=36), startup, POLICY, [commitment(months=24)])
    assert quote.rent_free_months == 24
    assert all(line.rent == 0 for line in quote.schedule[:24])
    assert quote.schedule[24].rent > 0
    line = next(r for r in quote.rules if r.rule is Rule.POLICY_COMMITMENT)
    assert line.commitment_id == "c1"
    assert "rent-free raised from 6 to 24 months" in line.explanation
    assert {x.rule for x in quote.schedule[6:24]} == {Rule.POLICY_COMMITMENT}


def test_a_discount_commitment_replaces_the_premium() -> None:
    outsider = applicant(leading=False, industry="F51")
    promise = commitment(rate="0.5", prefixes=("F",), stages=())
    quote = price(terms(), outsider, POLICY, [promise])
    assert (quote.discount_rate, quote.premium_rate) == (Decimal("0.5"), 0)
    assert Rule.UNRELATED_INDUSTRY_PREMIUM not in [r.rule for r in quote.rules]
    assert "replacing the 10% unrelated-industry premium" in quote.rules[-1].explanation
    assert quote.schedule[0].rent == Decimal("2250.00")


def test_commitments_outside_their_validity_or_eligibility_do_not_apply() -> None:
    startup = applicant(founded_on=date(2026, 3, 1))
    expired = commitment(valid=(date(2020, 1, 1), date(2021, 1, 1)))
    other_industry = commitment(cid="c2", prefixes=("Q",))
    quote = price(terms(), startup, POLICY, [expired, other_industry])
    assert quote.rent_free_months == 6
    assert Rule.POLICY_COMMITMENT not in [r.rule for r in quote.rules]


def test_an_already_met_commitment_is_stated_as_honoured() -> None:
    startup = applicant(founded_on=date(2026, 3, 1))
    quote = price(terms(), startup, POLICY, [commitment(months=3)])
    assert quote.rent_free_months == 6
    assert "honoured" in quote.rules[-1].explanation


def test_rounding_is_half_up_per_monthly_line() -> None:
    assert cny(Decimal("0.005")) == Decimal("0.01")
    assert cny(Decimal("2.675")) == Decimal("2.68")
    quote = price(terms(area="0.05"), applicant(), POLICY, [])  # 0.05 x 45 x 0.8 = 1.8
    assert quote.schedule[0].rent == Decimal("1.80")


def test_calendar_months_clamp_and_stay_contiguous() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert lease_end(date(2027, 1, 31), 2) == date(2027, 3, 30)
    quote = price(terms(term_months=3, starts_on=date(2027, 1, 31)), applicant(), POLICY, [])
    periods = [(x.starts_on, x.ends_on) for x in quote.schedule]
    assert periods == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29)),  # 30 April starts month 4
    ]


@pytest.mark.parametrize(
    ("founded", "stage"),
    [
        (date(2025, 1, 2), LifecycleStage.STARTUP),
        (date(2025, 1, 1), LifecycleStage.GROWTH),
        (date(2022, 1, 2), LifecycleStage.GROWTH),
        (date(2022, 1, 1), LifecycleStage.MATURE),
    ],
)
def test_lifecycle_stage_as_of_a_date(founded: date, stage: LifecycleStage) -> None:
    assert stage_on(founded, date(2027, 1, 1)) is stage
