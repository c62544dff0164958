from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from leasing.domain import lease_book, park_admin, queries
from leasing.domain.availability_chart import availability_chart
from leasing.domain.commands import (
    ListUnit,
    RegisterPark,
    RenewLease,
    RenovateUnit,
    ReportMetrics,
    SignLease,
    StartRenovation,
    TerminateLease,
)
from leasing.domain.lease import LeaseStatus
from leasing.domain.park import Park, Tenant, UnitStatus
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import RentForEquity
from leasing.domain.tenants import YearlyMetrics
from parkops_contracts.events.leasing import (
    LeaseRenewed,
    LeaseSigned,
    LeaseTerminated,
    ParkType,
    RentForEquityAgreed,
    TenantMetricsReported,
    TerminationReason,
    UnitRenovated,
    UnitType,
)
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

from .pricing_fixtures import commitment, register

AT = datetime(2026, 11, 1, tzinfo=UTC)
JAN = date(2027, 1, 1)


def park(listed_on: date | None = None) -> Park:
    """Three units listed on `listed_on` (default: today, 1 Nov 2026); a lease starts once they are."""
    p = Park.register(RegisterPark("g1", "IC Park", ParkType.SPECIALIZED_INDUSTRIAL_PARK, ["C39"]), "p1", AT)
    p.pricing_policy = PricingPolicy(base_rents={UnitType.RND_BUILDING: Decimal(45)})
    for i in range(3):
        unit = ListUnit("A", 1, f"A-{i}", UnitType.RND_BUILDING, Decimal(100), listed_on)
        p.list_unit(unit, f"u{i}", AT)
    for tid, code in (("t1", "91350100M000100Y43"), ("t2", "91110000100000000R")):
        p.tenants[tid] = Tenant(
            tenant_id=tid, name=tid, credit_code=code, industry_code="C3973", high_tech=False,
            founded_on=date(2015, 1, 1), headcount=10, unit_ids=[], in_leading_industry=True, onboarded_at=AT,
        )  # fmt: skip
    p.events.clear()
    return p


def sign(p: Park, lease_id: str = "l1", tenant: str = "t1", start: date = JAN, term: int = 12, **kw: object):  # type: ignore[no-untyped-def]
    return lease_book.sign_lease(p, SignLease(tenant, ["u0"], term, start, kw.get("equity")), lease_id, AT)  # type: ignore[arg-type]


def test_signing_reserves_the_unit_and_records_the_full_schedule() -> None:
    p = park()
    lease = sign(p)
    event = next(e for e in p.events if isinstance(e, LeaseSigned))
    assert len(event.schedule) == 12
    assert event.total_rent == Decimal("43200.00")
    assert event.ends_on == date(2027, 12, 31)
    assert any("industry_fit_discount" in r for r in event.rules)
    assert queries.unit_status(p, p.units["u0"], date(2026, 12, 1)) is UnitStatus.RESERVED
    assert queries.unit_status(p, p.units["u0"], date(2027, 6, 1)) is UnitStatus.LEASED
    assert lease.rent_on(date(2027, 3, 15)) == Decimal("3600.00")


def test_an_overlapping_lease_is_refused_naming_the_conflicting_lease() -> None:
    p = park()
    sign(p)
    with pytest.raises(Conflict, match="lease l1 of tenant t1"):
        sign(p, "l2", "t2", start=date(2027, 12, 31))
    assert "l2" not in p.leases
    sign(p, "l3", "t2", start=date(2028, 1, 1))  # the day after l1 ends is free


def test_rent_for_equity_is_agreed_with_the_lease() -> None:
    p = park()
    sign(p, term=24, equity=RentForEquity(months_waived=12, equity_percent=Decimal(2)))
    agreed = p.events[-1]
    assert isinstance(agreed, RentForEquityAgreed)
    assert agreed.waived_amount == Decimal("43200.00")
    assert agreed.implied_valuation == Decimal("2160000.00")
    assert [line.rule for line in p.leases["l1"].schedule()[:13]] == ["rent_for_equity"] * 12 + [None]


def test_a_lease_starts_no_earlier_than_the_day_its_units_are_listed() -> None:
    p = park()  # units listed today, 1 Nov 2026
    with pytest.raises(Unprocessable, match="starts 2026-10-31, before unit u0 is listed") as refused:
        sign(p, start=date(2026, 10, 31))
    assert (refused.value.field, p.leases, p.events) == ("starts_on", {}, [])  # nothing stored
    assert sign(p, start=AT.date()).starts_on == AT.date()  # from the listing day on
    p.units["u1"].listed_on = None  # stored before listing dates were kept: listed long ago
    lease_book.sign_lease(p, SignLease("t2", ["u1"], 12, date(2020, 1, 1), None), "l2", AT)


def test_a_renewal_that_would_start_before_its_units_are_listed_is_refused() -> None:
    p = park(listed_on=date(2026, 1, 1))
    sign(p, start=date(2026, 1, 1), term=9)  # through 30 Sep 2026
    p.units["u0"].listed_on = AT.date()  # as a lease stored before the rule: it starts before the listing
    p.events.clear()
    with pytest.raises(Unprocessable, match="starts 2026-10-01, before unit u0") as refused:
        lease_book.renew_lease(p, RenewLease("l1", 12, None), "l2", AT)
    assert (refused.value.field, set(p.leases), p.events) == ("starts_on", {"l1"}, [])
    assert p.leases["l1"].status is LeaseStatus.ACTIVE


def test_renewal_starts_the_day_after_and_counts() -> None:
    p = park()
    sign(p)
    renewal = lease_book.renew_lease(p, RenewLease("l1", 24, None), "l2", AT)
    assert (renewal.starts_on, renewal.renewal_of, renewal.renewal_number) == (date(2028, 1, 1), "l1", 1)
    assert p.leases["l1"].status is LeaseStatus.RENEWED
    event = next(e for e in p.events if isinstance(e, LeaseRenewed))
    assert event.previous_lease_id == "l1"
    with pytest.raises(Conflict, match="renewed"):
        lease_book.renew_lease(p, RenewLease("l1", 12, None), "l3", AT)
    assert lease_book.renew_lease(p, RenewLease("l2", 12, None), "l3", AT).renewal_number == 2


def test_termination_frees_the_unit_and_cannot_happen_twice() -> None:
    p = park()
    sign(p)
    lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 6, 30), TerminationReason.GRADUATION), AT)
    event = next(e for e in p.events if isinstance(e, LeaseTerminated))
    assert event.reason is TerminationReason.GRADUATION
    sign(p, "l2", "t2", start=date(2027, 7, 1))
    with pytest.raises(Conflict, match="already terminated"):
        lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 6, 30), TerminationReason.BREACH), AT)
    with pytest.raises(Unprocessable, match="terminated_on"):
        lease_book.terminate_lease(p, TerminateLease("l2", date(2026, 1, 1), TerminationReason.BREACH), AT)
    with pytest.raises(NotFound):
        lease_book.terminate_lease(p, TerminateLease("nope", date(2027, 7, 1), TerminationReason.BREACH), AT)


def test_unknown_tenant_or_unit_and_missing_base_rent() -> None:
    p = park()
    with pytest.raises(NotFound, match="tenant"):
        sign(p, tenant="ghost")
    with pytest.raises(NotFound, match="unit"):
        lease_book.sign_lease(p, SignLease("t1", ["ghost"], 12, JAN, None), "l1", AT)
    p.list_unit(ListUnit("B", 1, "B-1", UnitType.OFFICE, Decimal(10)), "o1", AT)
    with pytest.raises(Conflict, match="no base rent for unit type office"):
        lease_book.sign_lease(p, SignLease("t1", ["o1"], 12, JAN, None), "l1", AT)


def test_commitments_that_contradict_an_active_one_are_refused_naming_both() -> None:
    p = park()
    park_admin.register_commitment(p, register(commitment("gov", months=24)), "-", date(2026, 11, 1))
    operator = commitment("op", months=6)
    with pytest.raises(Conflict, match=r"commitment op .* contradicts active commitment gov"):
        park_admin.register_commitment(p, register(operator), "-", date(2026, 11, 1))
    park_admin.register_commitment(
        p, register(commitment("other", months=6, prefixes=("Q",))), "-", date(2026, 11, 1)
    )
    park_admin.register_commitment(p, register(commitment("disc", rate="0.3")), "-", date(2026, 11, 1))
    assert sorted(p.commitments) == ["disc", "gov", "other"]


def test_renovation_reprices_a_vacant_unit_only() -> None:
    p = park(listed_on=date(2026, 1, 1))  # its leases start before today
    park_admin.renovate_unit(p, RenovateUnit("u1", Decimal(60)), AT)
    event = p.events[-1]
    assert isinstance(event, UnitRenovated)
    assert (event.previous_base_rent, event.base_rent) == (Decimal(45), Decimal(60))
    sign(p, start=date(2026, 10, 1))
    with pytest.raises(Conflict, match="occupied"):
        park_admin.renovate_unit(p, RenovateUnit("u0", Decimal(60)), AT)


def test_a_unit_under_renovation_is_off_the_market_until_its_new_rent_is_recorded() -> None:
    p = park()
    today = date(2026, 11, 1)
    assert park_admin.start_renovation(p, StartRenovation("u0"), today).renovating
    assert queries.unit_status(p, p.units["u0"], today) is UnitStatus.RENOVATING
    with pytest.raises(Conflict, match="already under renovation"):
        park_admin.start_renovation(p, StartRenovation("u0"), today)
    with pytest.raises(Conflict, match="u0 is under renovation"):
        sign(p)
    assert not any(isinstance(e, UnitRenovated) for e in p.events), "starting records no renovation yet"
    park_admin.renovate_unit(p, RenovateUnit("u0", Decimal(60)), AT)
    assert queries.unit_status(p, p.units["u0"], today) is UnitStatus.AVAILABLE
    assert sign(p).monthly_base_rent == Decimal("6000.00")


def test_metrics_are_stored_per_year_and_published() -> None:
    p = park()
    figures = YearlyMetrics(year=2026, tax_paid=Decimal(1), revenue=Decimal(2), headcount=3)
    park_admin.report_metrics(p, ReportMetrics("t1", figures), AT)
    assert p.tenants["t1"].metrics[2026] == figures
    assert isinstance(p.events[-1], TenantMetricsReported)


def test_queries_as_of_a_date() -> None:
    p = park()
    sign(p, start=date(2027, 1, 1))
    lease_book.sign_lease(p, SignLease("t2", ["u1"], 6, date(2027, 3, 1), None), "l2", AT)
    roll = queries.rent_roll(p, date(2027, 4, 10))
    assert [(r.lease_id, r.monthly_rent) for r in roll] == [
        ("l1", Decimal("3600.00")),
        ("l2", Decimal("3600.00")),
    ]
    assert roll[0].remaining_rent == Decimal("3600.00") * 9
    occ = queries.occupancy(p, date(2027, 2, 1))
    assert (occ.units_occupied, occ.units_total, occ.occupancy_by_area) == (1, 3, Decimal("0.3333"))
    assert [x.lease_id for x in queries.expiring(p, date(2027, 8, 1), 30)] == ["l2"]
    assert queries.expiring(p, date(2027, 8, 1), 29) == []  # l2 ends 31 August
    vacancy = {
        v.unit_id: v.vacant_days for v in queries.vacancy_days(p, date(2027, 1, 1), date(2027, 12, 31))
    }
    assert vacancy == {"u0": 0, "u1": 365 - 184, "u2": 365}


def test_the_availability_chart_shows_let_partial_and_available_months() -> None:
    p = park()
    sign(p, start=date(2027, 1, 15), term=2)  # 15 Jan to 14 Mar
    chart = {row.unit_id: row.months for row in availability_chart(p, date(2027, 1, 20), 4)}
    assert chart["u0"] == {
        "2027-01": "partial",
        "2027-02": "let",
        "2027-03": "partial",
        "2027-04": "available",
    }
    assert set(chart["u1"].values()) == {"available"}
