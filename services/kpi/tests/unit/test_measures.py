"""Every projection of the scenario park, hand-computed (see kpi_facts.scenario)."""

import random
from decimal import Decimal

from kpi.domain.ledger import ParkLedger
from kpi.domain.periods import parse_period
from kpi.domain.scoring import measures
from parkops_contracts.base import Event

from services.kpi.tests.unit.kpi_facts import metrics, scenario

D = Decimal


def fold(events: list[Event]) -> ParkLedger:
    ledger = ParkLedger("p1", "g1")
    for i, event in enumerate(events):
        ledger.apply(event, f"e{i}")
    return ledger


def values(period: str, events: list[Event] | None = None) -> dict[str, Decimal | None]:
    ledger = fold(events or scenario())
    return {k: m.value for k, m in measures(ledger, parse_period(period), None).items()}


def test_space_and_tenant_kpis_of_a_year() -> None:
    v = values("2026")
    assert v["occupancy_rate"] == D("0.1000")  # only u1 (100 of 1,000 m²) on 31 Dec, by its renewal
    assert v["occupancy_by_count"] == D("0.2500")
    assert v["leading_industry_share"] == D("1.0000")  # t2 left in January, t3 (not leading) in August
    assert v["onboardings"] == 0
    assert v["terminations"] == 1
    assert v["churn_rate"] == D("0.6667")  # 2 of the 3 active on 1 Jan are gone
    assert v["renewal_rate"] == D("0.5000")  # l1 renewed, l2 expired; l3 was terminated, not expiring
    assert v["survival_rate"] == D("0.6667")  # t1 and t3 alive a year after onboarding, t2 not


def test_tax_kpis_use_the_latest_report_per_tenant_and_year() -> None:
    v = values("2026")
    assert v["tax_reported"] == D("172500.00")  # 150,000 + the corrected 22,500
    assert v["tax_growth"] == D("0.1500")  # over 150,000 in 2025
    assert v["tax_per_m2"] == D("1725.00")  # over the 100 m² occupied at the year's end
    assert v["funding_reported"] == D("1000000.00")


def test_service_revenue_and_community_kpis() -> None:
    v = values("2026")
    assert v["response_hours"] == D("4.67")
    assert v["repair_response_hours"] == D("2.00")
    assert v["resolution_hours"] == D("18.67")
    assert v["sla_compliance"] == D("0.6667")
    assert v["satisfaction"] == D("0.5000")
    assert v["revenue"] == D("1000000.00")
    assert v["service_revenue_share"] == D("0.3000")
    assert v["revenue_cost_ratio"] is None  # no operating cost known
    assert v["subsidy_dependency"] == D("0.0500")
    assert (v["matches_accepted"], v["deals_closed"]) == (1, 1)


def test_a_quarter_sees_only_its_own_facts() -> None:
    v = values("2026-Q1")
    assert v["occupancy_rate"] == D("0.5000")  # u1 by the renewal, u4 by l3 (until August)
    assert v["revenue"] == D("700000.00")
    assert v["satisfaction"] is None  # no rating: not scored rather than zero
    assert v["renewal_rate"] == D("0.5000")


def test_the_fold_does_not_depend_on_the_order_of_events() -> None:
    events = scenario()
    expected = fold(events)
    for seed in range(20):
        shuffled = list(enumerate(events))
        random.Random(seed).shuffle(shuffled)
        ledger = ParkLedger("p1", "g1")
        for i, event in shuffled:
            ledger.apply(event, f"e{i}")
        assert ledger == expected


def test_drill_down_names_the_events_behind_a_number() -> None:
    events = scenario()
    ledger = fold(events)
    m = measures(ledger, parse_period("2026"), None)["tax_reported"]
    assert m.counts == {"reports": 2}
    assert m.event_ids == ("e15", "e17")  # t1's report and t2's correction, not the corrected one
    late = fold([*events, metrics("t1", 2026, "1", reported=events[15].reported_at.date())])  # type: ignore[attr-defined]
    assert late.tax_reports[("t1", 2026)].tax_paid == D("1")  # same time: the larger id (e29) wins
