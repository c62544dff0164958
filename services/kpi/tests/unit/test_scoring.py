from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from kpi.domain.agreement import Agreement, BonusBasis
from kpi.domain.assessment import assess
from kpi.domain.commands import Author, SetTarget
from kpi.domain.ledger import ParkLedger
from kpi.domain.periods import parse_period
from kpi.domain.scoring import score, scorecard
from kpi.domain.targets import CATALOG, Target, defaults_for, validated
from kpi.domain.terms import ParkTerms
from parkops_contracts.events.finance import CostRecognized, RevenueStream
from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import Unprocessable

from services.kpi.tests.unit.kpi_facts import recognized, scenario
from services.kpi.tests.unit.test_measures import fold

D = Decimal
NOW = datetime(2027, 1, 5, tzinfo=UTC)


def without_costs() -> ParkLedger:
    """The scenario before finance recognised any cost: revenue ÷ cost has no data."""
    return fold([e for e in scenario() if not isinstance(e, CostRecognized)])


def test_the_brief_defaults_are_the_targets() -> None:
    targets = defaults_for(ParkType.SPECIALIZED_INDUSTRIAL_PARK)
    expected = {
        "occupancy_rate": "0.90",
        "leading_industry_share": "0.70",
        "survival_rate": "0.80",
        "tax_growth": "0.15",
        "satisfaction": "0.90",
        "repair_response_hours": "2",
        "service_revenue_share": "0.30",
        "revenue_cost_ratio": "1",
    }
    assert {k: targets[k].target for k in expected} == {k: D(v) for k, v in expected.items()}
    assert sum(t.weight for t in targets.values()) == 100
    assert defaults_for(ParkType.INCUBATOR)["survival_rate"].weight > targets["survival_rate"].weight
    assert defaults_for(None) == targets


def test_a_score_is_the_share_of_the_target_reached_capped_at_100() -> None:
    up, down = CATALOG["occupancy_rate"], CATALOG["repair_response_hours"]
    assert score(up, D("0.95"), D("0.90")) == 100
    assert score(up, D("0.45"), D("0.90")) == D("50.0")
    assert score(up, D(0), D("0.90")) == 0
    assert score(down, D("1.5"), D(2)) == 100
    assert score(down, D(4), D(2)) == D("50.0")
    growth = CATALOG["tax_growth"]
    assert score(growth, D("-0.2"), D("0.15")) == 0


@pytest.mark.parametrize(
    ("kpi", "target", "weight"),
    [
        ("occupancy_rate", "1.4", "10"),
        ("satisfaction", "-0.1", "10"),
        ("repair_response_hours", "-1", "10"),
        ("occupancy_rate", "0.9", "101"),
        ("no_such_kpi", "0.5", "10"),
    ],
)
def test_a_target_outside_its_range_is_unprocessable(kpi: str, target: str, weight: str) -> None:
    with pytest.raises(Unprocessable):
        validated(kpi, D(target), D(weight))


def test_the_scorecard_weighs_the_scored_kpis_only() -> None:
    card = scorecard(fold(scenario()), parse_period("2026"), defaults_for(None))
    scores = {k.key: k.score for k in card.kpis}
    assert scores["occupancy_rate"] == D("11.1")
    assert scores["satisfaction"] == D("74.1")  # 0.6667 / 0.90
    assert scores["survival_rate"] == D("83.3")
    assert scores["tax_growth"] == scores["repair_response_hours"] == scores["service_revenue_share"] == 100
    assert scores["revenue_cost_ratio"] == 100  # 1.25 >= 1
    # (20x11.1 + 15x100 + 10x83.3 + 15x100 + 10x74.1 + 10x100 + 10x100 + 10x100) / 100 = 77.96
    assert card.overall == D("78.0")
    assert card.pulling_down() == ["occupancy_rate", "satisfaction", "survival_rate"]
    unscored = scorecard(without_costs(), parse_period("2026"), defaults_for(None))
    assert unscored.kpi("revenue_cost_ratio").score is None  # no cost: its weight does not count
    assert unscored.overall == D("75.5")  # the same without 10x100, over 90: 6796 / 90


def test_overrides_change_the_scorecard_and_each_change_is_recorded() -> None:
    terms = ParkTerms("p1", "g1")
    admin = Author("admin", NOW)
    terms.set_target(SetTarget("occupancy_rate", D("0.10"), D(20), admin))
    terms.set_target(SetTarget("tax_growth", D("0.10"), D(15), admin))
    terms.set_target(SetTarget("occupancy_rate", D("0.05"), D(30), Author("admin2", NOW)))
    card = scorecard(fold(scenario()), parse_period("2026"), terms.targets(None))
    assert card.kpi("occupancy_rate").score == 100
    assert card.kpi("occupancy_rate").weight == 30
    assert [c["what"] for c in terms.changes] == [
        "target occupancy_rate",
        "target tax_growth",
        "target occupancy_rate",
    ]
    assert terms.changes[2]["before"] == {"target": "0.10", "weight": "20"}
    assert ParkTerms.from_document(terms.to_document()) == terms


def test_a_weight_is_a_whole_percent() -> None:
    assert validated("occupancy_rate", D("0.5"), D("20.0")) == Target(D("0.5"), D(20))
    with pytest.raises(Unprocessable) as refused:
        validated("occupancy_rate", D("0.5"), D("12.5"))
    assert refused.value.field == "weight"


def test_an_agreement_met_earns_the_bonus_one_missed_does_not() -> None:
    card = scorecard(fold(scenario()), parse_period("2026"), defaults_for(None))
    met = Agreement.checked(["tax_growth", "repair_response_hours"], BonusBasis.REVENUE, D("0.02"))
    result = assess(card, met)
    assert result.bonus == D("20000.00")
    assert result.missed == []
    by_tax = assess(card, Agreement.checked(["tax_growth"], BonusBasis.TAX_GROWTH, D("0.5")))
    assert (by_tax.basis_amount, by_tax.bonus) == (D("22500.00"), D("11250.00"))
    missed = assess(
        scorecard(without_costs(), parse_period("2026"), defaults_for(None)),
        Agreement.checked(
            ["tax_growth", "revenue_cost_ratio", "satisfaction"], BonusBasis.REVENUE, D("0.02")
        ),
    )
    assert missed.bonus is None
    assert missed.missed == ["revenue_cost_ratio", "satisfaction"]  # no data counts as missed


def test_a_revenue_bonus_is_a_share_of_operating_revenue_not_of_a_fund_stakes_gain() -> None:
    gain = recognized("stake-1", RevenueStream.INVESTMENT, "500000", date(2026, 6, 1))
    card = scorecard(fold([*scenario(), gain]), parse_period("2026"), defaults_for(None))
    agreement = Agreement.checked(["tax_growth"], BonusBasis.REVENUE, D("0.02"))
    assert assess(card, agreement).bonus == D("20000.00")  # 2% of 1,000,000, the 500,000 gain left out


@pytest.mark.parametrize(
    ("kpis", "share"), [([], "0.1"), (["nope"], "0.1"), (["tax_growth"], "0"), (["tax_growth"], "1.5")]
)
def test_a_bad_agreement_is_unprocessable(kpis: list[str], share: str) -> None:
    with pytest.raises(Unprocessable):
        Agreement.checked(kpis, BonusBasis.REVENUE, D(share))


def test_targets_of_a_park_type_are_a_full_set() -> None:
    for park_type in ParkType:
        assert set(defaults_for(park_type)) == set(CATALOG)
        assert all(isinstance(t, Target) for t in defaults_for(park_type).values())
