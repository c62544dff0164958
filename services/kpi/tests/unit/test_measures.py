"""Every projection of the scenario park, hand-computed (see kpi_facts.scenario)."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from kpi.domain.ledger import ParkLedger
from kpi.domain.measures_services import satisfaction
from kpi.domain.periods import parse_period
from kpi.domain.scoring import measures
from parkops_contracts.base import Event
from parkops_contracts.events import tickets as tk
from parkops_contracts.events.finance import RevenueStream

from services.kpi.tests.unit.kpi_facts import (
    PARK,
    at,
    cost,
    deal,
    invoice,
    lease,
    metrics,
    occupied,
    rated,
    recognized,
    resolved,
    scenario,
    subsidy,
    subsidy_received,
    tenant,
)

D = Decimal
T0 = datetime(2027, 1, 1, tzinfo=UTC)


def published(i: int) -> datetime:
    """The i-th event's publication time: in list order."""
    return T0 + timedelta(seconds=i)


def fold(events: list[Event]) -> ParkLedger:
    ledger = ParkLedger("p1", "g1")
    for i, event in enumerate(events):
        ledger.apply(event, f"e{i}", published(i))
    return ledger


def values(period: str, events: list[Event] | None = None) -> dict[str, Decimal | None]:
    ledger = fold(events or scenario())
    return {k: m.value for k, m in measures(ledger, parse_period(period)).items()}


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
    assert v["satisfaction"] == D("0.6667")  # k1 5 (first resolution), k2 3, k1 5 again: 2 of 3
    assert v["revenue"] == D("1000000.00")  # 700,000 + 200,000 + 100,000 + 20,000 - 20,000
    assert v["service_revenue_share"] == D("0.3000")  # 300,000 / 1,000,000
    assert v["revenue_cost_ratio"] == D("1.2500")  # 1,000,000 / (700,000 + the 100,000 bonus)
    assert v["subsidy_dependency"] == D("0.0476")  # 50,000 / 1,050,000
    assert (v["matches_accepted"], v["deals_closed"]) == (1, 1)
    assert v["purchasing_savings"] == D("8000.00")


def test_a_quarter_sees_only_its_own_facts() -> None:
    v = values("2026-Q1")
    assert v["occupancy_rate"] == D("0.5000")  # u1 by the renewal, u4 by l3 (until August)
    assert v["revenue"] == D("700000.00")
    assert v["service_revenue_share"] == D("0.0000")
    assert v["revenue_cost_ratio"] is None  # no cost recognised in the quarter: no data
    assert v["subsidy_dependency"] == D("0.0667")  # 50,000 / 750,000
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
            ledger.apply(event, f"e{i}", published(i))
        assert ledger == expected


def test_drill_down_names_the_events_behind_a_number() -> None:
    events = scenario()
    ledger = fold(events)
    m = measures(ledger, parse_period("2026"))["tax_reported"]
    assert m.counts == {"reports": 2}
    assert m.event_ids == ("e15", "e17")  # t1's report and t2's correction, not the corrected one
    late = fold([*events, metrics("t1", 2026, "1", reported=events[15].reported_at.date())])  # type: ignore[attr-defined]
    assert late.tax_reports[("t1", 2026)].tax_paid == D("1")  # same time: the larger id (e39) wins


def test_revenue_is_what_finance_recognised_reversals_included_never_an_invoice() -> None:
    q4 = measures(fold(scenario()), parse_period("2026-Q4"))
    assert q4["revenue"].value == D("0.00")  # i4's 20,000 in October, reversed in November
    assert q4["revenue"].counts == {"value_added_services": D("0.00"), "lines": 2}
    assert q4["revenue"].event_ids == ("e26", "e27")  # both recognitions of i4 count, not one
    assert q4["service_revenue_share"].value is None  # no operating revenue: nothing to divide
    assert q4["revenue_cost_ratio"].value == D("0.0000")  # 0 / the 100,000 bonus of December
    issued = values("2026", [invoice("x1", RevenueStream.RENT, "5000", date(2026, 2, 1))])
    assert (issued["revenue"], issued["service_revenue_share"]) == (D("0.00"), None)


def test_operating_revenue_leaves_out_investment_and_the_park_subsidy_is_its_own() -> None:
    d, s = date(2026, 5, 1), RevenueStream
    events: list[Event] = [
        recognized("a", s.RENT, "500", d),
        recognized("b", s.PROPERTY, "100", d),
        recognized("c", s.INDUSTRY_SERVICES, "150", d),
        recognized("e", s.VALUE_ADDED_SERVICES, "50", d),
        recognized("f", s.INVESTMENT, "200", d),  # a realised gain: revenue, not operating
        cost("k1", "300", d),
        cost("k2", "100", d, bonus=True),
        subsidy_received("sr", "200", d),
        subsidy("tenant-s", "9999", d),  # a tenant's subsidy: not the park's
    ]
    v = values("2026", events)
    assert v["revenue"] == D("1000.00")
    assert v["operating_revenue"] == D("800.00")  # 500 + 100 + 150 + 50
    assert v["service_revenue_share"] == D("0.2500")  # 200 / 800
    assert v["operating_cost"] == D("400.00")
    assert v["revenue_cost_ratio"] == D("2.0000")  # 800 / 400
    assert v["subsidy_dependency"] == D("0.2000")  # 200 / (800 + 200)
    assert values("2026", events[:5])["revenue_cost_ratio"] is None  # no cost recognised: no data


def test_every_rating_counts_once_per_resolution() -> None:
    assert satisfaction([5, 3, 5]) == D("0.6667")
    assert satisfaction([]) is None
    d = date(2026, 5, 1)
    again = values("2026", [rated("k", 5, d), rated("k", 2, d, resolution=2), rated("k", 2, d, resolution=2)])
    assert again["satisfaction"] == D("0.5000")  # resolution 2's rating delivered twice counts once


def test_purchasing_savings_are_reported_as_matchmaking_closed_them() -> None:
    d = date(2026, 5, 1)
    events: list[Event] = [
        deal("m1", "1000", d, saving="100", percent="10"),
        deal("m2", "3000", d, saving="150", percent="5"),
        deal("m3", "500", d),
        deal("m4", "700", date(2025, 5, 1), saving="70", percent="10"),  # another year
    ]
    m = measures(fold(events), parse_period("2026"))["purchasing_savings"]
    assert m.value == D("250.00")
    assert m.counts == {
        "deals": 3,
        "value": D("4500.00"),
        "savings": D("250.00"),
        "deals_with_saving_percent": 2,
        "mean_saving_percent": D("7.50"),  # (10 + 5) / 2
    }


def test_an_imported_tenant_is_onboarded_on_its_business_date() -> None:
    imported = tenant("t9", [], "10", date(2027, 1, 10), onboarded_on=date(2025, 3, 1))
    assert values("2025", [imported])["onboardings"] == 1  # moved in in 2025, imported in 2027
    assert values("2027", [imported])["onboardings"] == 0


def test_the_leading_industry_area_share_is_of_the_area_leases_occupy() -> None:
    """Onboarding occupies nothing (ADR 12): t8 (leading) asked for u2's 200 m² and never leased it; t9
    (not leading) leases u3 (300 m²) and occupies it."""
    events = [
        *scenario(),
        tenant("t8", ["u2"], "200", date(2026, 3, 1)),
        tenant("t9", ["u3"], "300", date(2026, 3, 1), leading=False),
        lease("l9", "t9", ["u3"], "300", date(2026, 3, 1), date(2027, 2, 28)),
        occupied("l9", "u3", "t9", "300", date(2026, 3, 1), date(2027, 2, 28)),
    ]
    v = values("2026", events)
    # on 31 Dec: t1's u1 (100 m², leading) and t9's u3 (300 m²) are occupied; t8 occupies nothing
    assert v["leading_industry_area_share"] == D("0.2500")  # 100 / (100 + 300)
    assert v["leading_industry_share"] == D("0.6667")  # t1 and t8 of t1, t8, t9 are active and leading


def reopened(ticket_id: str, on: date) -> tk.TicketReopened:
    return tk.TicketReopened(
        **PARK,
        ticket_id=ticket_id,
        reopen_count=1,
        reason="not fixed",
        reopened_at=at(on),
        resolution_due=at(on),
    )


def test_a_reopened_ticket_is_not_resolved_until_resolved_again_in_whichever_order_kpi_hears() -> None:
    """tickets' rule (the owner): reopening undoes the resolution; its rating still counts."""
    d = date(2026, 5, 4)
    first, undo, again = (
        resolved("k", d, 1),
        reopened("k", d + timedelta(days=1)),
        resolved("k", d + timedelta(days=40), 1),
    )
    ok = resolved("j", d, 1, met=False)
    for events in ([first, undo, ok], [undo, first, ok]):  # TicketReopened's topic may be read first
        may = values("2026-05", [*events, rated("k", 5, d)])
        assert may["sla_compliance"] == D("0.0000")  # only j, which missed its target, is resolved
        assert may["satisfaction"] == D("1.0000")
    june = values("2026-06", [first, undo, again, ok])
    assert june["sla_compliance"] == D("1.0000")  # k resolved again in June
    assert values("2026-05", [first, undo, again, ok])["sla_compliance"] == D("0.0000")


def test_finances_ratios_are_rounded_half_up_as_finance_rounds_them() -> None:
    d = date(2026, 5, 4)
    s = RevenueStream
    tie = values(
        "2026-05", [recognized("p", s.PROPERTY, "3100", d), recognized("i", s.INDUSTRY_SERVICES, "100", d)]
    )
    assert tie["service_revenue_share"] == D("0.0313")  # 100 / 3200 = 0.03125: half up, as finance's report
