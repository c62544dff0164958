"""Whole quotes, every figure and every explanation, worked out by hand from the README's pricing rules.

100 m² of R&D building at 45 CNY/m² is 4500 CNY a month. A leading-industry tenant pays 80% (3600), an
unrelated one 110% (4950); a lease of 36 months or more steps down 5% a lease year, compounding (3420,
3249); a startup's first 6 months are free; waived months follow them; a commitment only ever improves
the offer."""

from datetime import date
from decimal import Decimal

from leasing.domain.policy import PricingPolicy
from leasing.domain.pricing import price
from leasing.domain.quote import RentForEquity, Rule, RuleLine
from leasing.domain.stage import LifecycleStage

from .pricing_fixtures import POLICY, applicant, commitment, terms

JAN = date(2027, 1, 1)
STARTUP_FOUNDED = date(2026, 1, 1)  # under 2 years old on 1 Jan 2027
BASE = "100 m² rnd_building x 45 CNY/m² = 4500.00 CNY/month"
GOV = "commitment c1 (government District government: {what} for IC-design startups): {note}"


def explained(rules: list[RuleLine]) -> list[tuple[Rule, str, Decimal | None, int | None]]:
    return [(r.rule, r.explanation, r.rate, r.months) for r in rules]


def test_a_long_lease_of_a_leading_industry_tenant() -> None:
    quote = price(terms(term_months=36), applicant(), POLICY, [])
    assert (quote.starts_on, quote.ends_on, quote.term_months) == (JAN, date(2029, 12, 31), 36)
    assert (quote.unit_ids, quote.area_m2, quote.lifecycle_stage) == (["u1"], 100, LifecycleStage.MATURE)
    assert (quote.monthly_base_rent, quote.discount_rate, quote.premium_rate) == (
        Decimal("4500.00"),
        Decimal("0.2"),
        0,
    )
    assert (quote.rent_free_months, quote.equity) == (0, None)
    rents = [Decimal("3600.00")] * 12 + [Decimal("3420.00")] * 12 + [Decimal("3249.00")] * 12
    assert [line.rent for line in quote.schedule] == rents
    assert quote.total_rent == Decimal("123228.00")
    assert {line.gross_rent for line in quote.schedule} == {Decimal("4500.00")}
    assert {line.rule for line in quote.schedule} == {None}
    assert [line.month for line in quote.schedule] == list(range(1, 37))
    assert (quote.schedule[13].starts_on, quote.schedule[13].ends_on) == (date(2028, 2, 1), date(2028, 2, 29))
    assert explained(quote.rules) == [
        (Rule.BASE_RENT, BASE, None, None),
        (
            Rule.INDUSTRY_FIT_DISCOUNT,
            "industry C3973 in a leading industry of the park: 20% discount",
            Decimal("0.2"),
            None,
        ),
        (
            Rule.LONG_LEASE_STEP_DOWN,
            "lease of 36 months (≥ 36): rent steps down 5% each lease year, compounding",
            Decimal("0.05"),
            None,
        ),
    ]


def test_a_startup_outside_the_leading_industries_trading_rent_for_equity() -> None:
    deal = RentForEquity(months_waived=3, equity_percent=Decimal(5))
    who = applicant(leading=False, founded_on=STARTUP_FOUNDED, industry="K7010")
    quote = price(terms(equity=deal), who, POLICY, [])
    assert (quote.lifecycle_stage, quote.rent_free_months) == (LifecycleStage.STARTUP, 6)
    assert (quote.discount_rate, quote.premium_rate) == (0, Decimal("0.10"))
    assert [line.rent for line in quote.schedule] == [Decimal(0)] * 9 + [Decimal("4950.00")] * 3
    free, waived = [Rule.STARTUP_RENT_FREE] * 6, [Rule.RENT_FOR_EQUITY] * 3
    assert [line.rule for line in quote.schedule] == [*free, *waived, None, None, None]
    assert quote.total_rent == Decimal("14850.00")
    assert quote.equity is not None
    assert (quote.equity.months_waived, quote.equity.equity_percent) == (3, 5)
    assert (quote.equity.waived_amount, quote.equity.implied_valuation) == (
        Decimal("14850.00"),
        Decimal("297000.00"),  # 14850 / 5%
    )
    assert explained(quote.rules) == [
        (Rule.BASE_RENT, BASE, None, None),
        (
            Rule.UNRELATED_INDUSTRY_PREMIUM,
            "industry K7010 unrelated to the park's leading industries and not high-tech: 10% premium",
            Decimal("0.10"),
            None,
        ),
        (
            Rule.STARTUP_RENT_FREE,
            "startup (founded 2026-01-01, under 2 years old on 2027-01-01): first 6 months rent-free",
            None,
            6,
        ),
        (
            Rule.RENT_FOR_EQUITY,
            "months 7-9 waived (14850.00 CNY) for 5% equity: implied valuation 297000.00 CNY",
            None,
            3,
        ),
    ]


def test_rent_free_months_never_exceed_the_term() -> None:
    quote = price(terms(term_months=4), applicant(founded_on=STARTUP_FOUNDED), POLICY, [])
    assert quote.rent_free_months == 4
    assert [line.rent for line in quote.schedule] == [Decimal(0)] * 4
    assert quote.total_rent == 0


def test_policies_without_step_down_or_startup_months_name_neither() -> None:
    plain = PricingPolicy(base_rents=POLICY.base_rents, long_lease_step_down=0, startup_rent_free_months=0)
    quote = price(terms(term_months=36), applicant(founded_on=STARTUP_FOUNDED), plain, [])
    assert [r.rule for r in quote.rules] == [Rule.BASE_RENT, Rule.INDUSTRY_FIT_DISCOUNT]
    assert {line.rent for line in quote.schedule} == {Decimal("3600.00")}


def test_a_rent_free_commitment_equal_to_the_startup_months_is_honoured_not_corrected() -> None:
    quote = price(terms(), applicant(founded_on=STARTUP_FOUNDED), POLICY, [commitment(months=6)])
    assert quote.rules[-1].explanation == GOV.format(
        what="6 months rent-free", note="honoured: 6 rent-free months already meet it"
    )
    assert (quote.rules[-1].rule, quote.rules[-1].months, quote.rules[-1].commitment_id) == (
        Rule.POLICY_COMMITMENT,
        6,
        "c1",
    )
    assert {line.rule for line in quote.schedule[:6]} == {Rule.STARTUP_RENT_FREE}


def test_a_longer_rent_free_commitment_corrects_the_months_and_names_them() -> None:
    quote = price(terms(term_months=36), applicant(founded_on=STARTUP_FOUNDED), POLICY, [commitment()])
    last = quote.rules[-1]
    assert last.explanation == GOV.format(
        what="24 months rent-free", note="corrected: rent-free raised from 6 to 24 months to honour it"
    )
    assert (last.months, quote.rent_free_months) == (24, 24)
    assert {line.rule for line in quote.schedule[:24]} == {Rule.POLICY_COMMITMENT}


def test_a_discount_commitment_equal_to_the_fit_discount_is_honoured() -> None:
    quote = price(terms(), applicant(), POLICY, [commitment(rate="0.2", stages=())])
    assert quote.rules[-1].explanation == GOV.format(
        what="20% discount", note="honoured: the 20% discount already meets it"
    )
    assert quote.rules[-1].rate == Decimal("0.2")


def test_a_larger_discount_commitment_raises_the_discount() -> None:
    quote = price(terms(), applicant(), POLICY, [commitment(rate="0.3", stages=())])
    assert quote.rules[-1].explanation == GOV.format(
        what="30% discount", note="corrected: discount raised from 20% to 30% to honour it"
    )
    assert (quote.discount_rate, quote.rules[-1].rate) == (Decimal("0.3"), Decimal("0.3"))
    assert {line.rent for line in quote.schedule} == {Decimal("3150.00")}  # 4500 x 70%


def test_a_discount_commitment_replaces_the_premium_and_says_so() -> None:
    who = applicant(leading=False, industry="C3011")
    quote = price(terms(), who, POLICY, [commitment(rate="0.3", stages=(), prefixes=("C30",))])
    assert quote.rules[-1].explanation == GOV.format(
        what="30% discount",
        note="corrected: discount raised from 0% to 30%, replacing the 10% unrelated-industry premium "
        "to honour it",
    )
    assert [r.rule for r in quote.rules] == [Rule.BASE_RENT, Rule.POLICY_COMMITMENT]
    assert (quote.discount_rate, quote.premium_rate) == (Decimal("0.3"), 0)
    assert {line.rent for line in quote.schedule} == {Decimal("3150.00")}


def test_commitments_are_applied_in_the_order_of_their_ids() -> None:
    later = commitment("b", rate="0.3", stages=())
    earlier = commitment("a", rate="0.25", stages=())
    quote = price(terms(), applicant(), POLICY, [later, earlier])
    assert [(r.commitment_id, r.rate) for r in quote.rules[2:]] == [
        ("a", Decimal("0.25")),
        ("b", Decimal("0.3")),
    ]
    assert "raised from 25% to 30%" in quote.rules[-1].explanation
