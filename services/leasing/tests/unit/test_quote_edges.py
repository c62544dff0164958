"""Quotes at the edges of their rules: the most months that can be waived, a commitment's first and last day,
high-tech-only promises, several units in one quote, a one-month startup policy. Figures worked by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from leasing.domain.commitments import Eligibility
from leasing.domain.policy import PricingPolicy
from leasing.domain.pricing import price
from leasing.domain.quote import PricedUnit, QuoteTerms, RentForEquity, Rule
from parkops_contracts.events.leasing import UnitType
from parkops_kernel.errors import Unprocessable

from .pricing_fixtures import POLICY, applicant, commitment, terms

STARTUP_FOUNDED = date(2026, 1, 1)  # under 2 years old through 2027


def test_every_month_that_carries_rent_can_be_waived_and_no_more() -> None:
    who = applicant(founded_on=STARTUP_FOUNDED)  # 6 of 12 months rent-free
    six = RentForEquity(months_waived=6, equity_percent=Decimal(10))
    quote = price(terms(equity=six), who, POLICY, [])
    assert quote.total_rent == 0
    assert quote.equity is not None
    assert quote.equity.waived_amount == Decimal("21600.00")  # 6 x 3600
    with pytest.raises(Unprocessable) as refused:
        price(terms(equity=RentForEquity(months_waived=7, equity_percent=Decimal(10))), who, POLICY, [])
    assert refused.value.field == "rent_for_equity.months_waived"
    assert str(refused.value) == (
        "rent_for_equity.months_waived: 7 months asked, but only 6 months of the term carry rent"
    )


def test_a_commitment_applies_from_its_first_to_its_last_day() -> None:
    valid = (date(2027, 1, 1), date(2027, 3, 31))
    promise = commitment(months=9, stages=(), valid=valid)
    for day, months in ((valid[0], 9), (valid[1], 9), (valid[1] + timedelta(days=1), 0)):
        assert price(terms(starts_on=day), applicant(), POLICY, [promise]).rent_free_months == months
    assert (
        price(terms(starts_on=valid[0] - timedelta(days=1)), applicant(), POLICY, [promise]).rent_free_months
        == 0
    )


def test_a_high_tech_only_promise_reaches_high_tech_tenants_only() -> None:
    promise = commitment(rate="0.3", stages=()).model_copy(
        update={"eligibility": Eligibility(high_tech_only=True)}
    )
    high_tech = applicant(leading=False, high_tech=True, industry="F51")
    quote = price(terms(), high_tech, POLICY, [promise])
    assert (quote.discount_rate, quote.schedule[0].rent) == (Decimal("0.3"), Decimal("3150.00"))
    assert quote.rules[1].explanation == "industry F51 certified high-tech: 20% discount"
    plain = price(terms(), applicant(), POLICY, [promise])  # leading industry, not high-tech
    assert plain.discount_rate == Decimal("0.20")


def test_a_quote_of_several_units_adds_their_areas_and_rents() -> None:
    units = [
        PricedUnit(
            unit_id="u1", unit_type=UnitType.RND_BUILDING, area_m2=Decimal(100), base_rent=Decimal(45)
        ),
        PricedUnit(unit_id="u2", unit_type=UnitType.OFFICE, area_m2=Decimal("50.5"), base_rent=Decimal(50)),
    ]
    quote = price(
        QuoteTerms(units=units, term_months=12, starts_on=date(2027, 1, 1)), applicant(), POLICY, []
    )
    assert (quote.unit_ids, quote.area_m2) == (["u1", "u2"], Decimal("150.5"))
    assert quote.monthly_base_rent == Decimal("7025.00")  # 4500 + 2525
    assert quote.rules[0].explanation == (
        "100 m² rnd_building x 45 CNY/m² + 50.5 m² office x 50 CNY/m² = 7025.00 CNY/month"
    )
    assert quote.schedule[0].rent == Decimal("5620.00")  # 80%


def test_a_policy_of_one_startup_month_gives_one() -> None:
    one = PricingPolicy(base_rents=POLICY.base_rents, startup_rent_free_months=1)
    quote = price(terms(), applicant(founded_on=STARTUP_FOUNDED), one, [])
    assert quote.rent_free_months == 1
    assert [line.rule for line in quote.schedule[:2]] == [Rule.STARTUP_RENT_FREE, None]
