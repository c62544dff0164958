"""Read-side rules at their edges: who occupies what on a day, what expires, what stood vacant, the chart.

Every expected figure is counted by hand from the calendar (units listed on 1 Nov 2026, 100 m² each)."""

from datetime import date, timedelta
from decimal import Decimal

from leasing.domain import lease_book, queries
from leasing.domain.availability_chart import availability_chart
from leasing.domain.commands import ListUnit, OnboardTenant, SignLease, TerminateLease
from leasing.domain.park import Park, UnitStatus
from leasing.domain.quote import RentForEquity
from parkops_contracts.events.leasing import TerminationReason

from .test_lease_lifecycle import AT, JAN, park, sign
from .test_park import profile

LISTED = AT.date()  # 1 Nov 2026


def lease(p: Park, lease_id: str, unit: str, start: date, term: int, tenant: str = "t1") -> None:
    lease_book.sign_lease(p, SignLease(tenant, [unit], term, start, None), lease_id, AT)


def vacant(p: Park, unit: str, first: date, last: date) -> tuple[int, int]:
    found = {v.unit_id: (v.vacant_days, v.window_days) for v in queries.vacancy_days(p, first, last)}
    return found[unit]


def test_occupancy_counts_units_listed_by_that_day_and_divides_by_count_and_area() -> None:
    p = park()
    p.list_unit(ListUnit("B", 1, "B-1", p.units["u0"].unit_type, Decimal(300)), "u3", AT + timedelta(days=10))
    sign(p)
    on_listing = queries.occupancy(p, LISTED)
    assert (on_listing.units_total, on_listing.area_total_m2) == (3, Decimal(300))
    occ = queries.occupancy(p, date(2027, 2, 1))
    assert (occ.units_total, occ.units_occupied) == (4, 1)
    assert (occ.area_total_m2, occ.area_occupied_m2) == (Decimal(600), Decimal(100))
    assert (occ.occupancy_by_count, occ.occupancy_by_area) == (Decimal("0.2500"), Decimal("0.1667"))


def test_occupancy_before_any_listing_is_zero_and_units_without_a_listing_date_always_count() -> None:
    p = park()
    before = queries.occupancy(p, LISTED - timedelta(days=1))
    assert (before.units_total, before.occupancy_by_count, before.occupancy_by_area) == (0, 0, 0)
    p.units["u2"].listed_on = None  # stored before listing dates were kept
    legacy = queries.occupancy(p, LISTED - timedelta(days=1))
    assert (legacy.units_total, legacy.area_total_m2, legacy.occupancy_by_count) == (1, Decimal(100), 0)


def test_an_onboarding_without_a_lease_occupies_nothing() -> None:
    p = park()
    onboarded = AT + timedelta(days=30)  # 1 Dec 2026
    p.onboard_tenant(OnboardTenant(profile(code="91330100MA27Y1JB4U"), ["u1"]), "t9", onboarded)
    assert queries.occupied_unit_ids(p, onboarded.date()) == set()
    assert queries.occupancy(p, onboarded.date()).units_occupied == 0
    assert queries.rent_roll(p, onboarded.date()) == []
    assert vacant(p, "u1", date(2026, 11, 1), date(2026, 12, 31)) == (61, 61)
    chart = {row.unit_id: row.months for row in availability_chart(p, onboarded.date(), 1)}
    assert chart["u1"] == {"2026-12": "available"}


def test_a_lease_that_runs_out_frees_its_units_the_day_after_its_end() -> None:
    p = park()
    lease(p, "l1", "u0", JAN, 12)  # through 31 Dec 2027, never renewed
    last, after = date(2027, 12, 31), date(2028, 1, 1)
    assert queries.occupied_unit_ids(p, last) == {"u0"}
    assert queries.occupied_unit_ids(p, after) == set()
    assert (queries.occupancy(p, last).units_occupied, queries.occupancy(p, after).units_occupied) == (1, 0)
    assert queries.unit_status(p, p.units["u0"], after) is UnitStatus.AVAILABLE
    assert [x.lease_id for x in queries.rent_roll(p, last)] == ["l1"]
    assert queries.rent_roll(p, after) == []


def test_expiring_leases_include_the_day_itself_in_end_date_then_id_order() -> None:
    p = park()
    lease(p, "l2", "u0", JAN, 12)  # ends 31 Dec 2027
    lease(p, "l1", "u1", date(2027, 7, 1), 6, "t2")  # ends 31 Dec 2027
    lease(p, "l0", "u2", JAN, 11)  # ends 30 Nov 2027
    ids = [x.lease_id for x in queries.expiring(p, date(2027, 11, 30), 31)]
    assert ids == ["l0", "l1", "l2"]
    assert [x.lease_id for x in queries.expiring(p, date(2027, 12, 31), 0)] == ["l1", "l2"]
    assert queries.expiring(p, date(2028, 1, 1), 365) == []


def test_a_unit_is_reserved_only_by_its_own_later_lease() -> None:
    p = park()
    sign(p)  # u0 from 1 Jan 2027
    on = date(2026, 12, 1)
    assert queries.unit_status(p, p.units["u0"], on) is UnitStatus.RESERVED
    assert queries.unit_status(p, p.units["u1"], on) is UnitStatus.AVAILABLE
    assert queries.unit_status(p, p.units["u0"], JAN) is UnitStatus.LEASED


def test_vacancy_counts_from_the_listing_and_each_let_day_once() -> None:
    p = park()
    assert vacant(p, "u0", date(2026, 10, 1), date(2026, 11, 30)) == (30, 30)  # listed 1 Nov
    assert vacant(p, "u0", date(2026, 10, 1), date(2026, 10, 31)) == (0, 0)  # not listed yet
    lease(p, "l1", "u0", JAN, 1)  # January
    lease(p, "l2", "u0", date(2027, 3, 1), 1, "t2")  # March
    assert vacant(p, "u0", JAN, date(2027, 3, 31)) == (28, 90)  # February
    assert vacant(p, "u0", date(2026, 12, 1), JAN) == (31, 32)  # a single let day


def test_an_onboarded_tenants_unit_is_let_from_its_leases_first_day() -> None:
    p = park()
    p.onboard_tenant(
        OnboardTenant(profile(code="91330100MA27Y1JB4U"), ["u0"]), "t9", AT + timedelta(days=70)
    )  # 10 Jan
    lease(p, "l1", "u0", date(2027, 1, 20), 1, "t9")  # its own lease, 20 Jan to 19 Feb
    assert vacant(p, "u0", JAN, date(2027, 1, 31)) == (19, 31)


def test_the_chart_starts_on_the_first_of_the_month_and_ends_on_its_last_day() -> None:
    p = park()
    lease(p, "l0", "u0", date(2027, 1, 2), 1)  # 2 Jan to 1 Feb
    lease(p, "l1", "u1", date(2027, 2, 1), 1)  # February exactly
    lease(p, "l2", "u2", JAN, 1)  # January, ended on the 30th
    lease_book.terminate_lease(p, TerminateLease("l2", date(2027, 1, 30), TerminationReason.RELOCATION), AT)
    chart = {row.unit_id: row.months for row in availability_chart(p, date(2027, 1, 20), 3)}
    assert chart == {
        "u0": {"2027-01": "partial", "2027-02": "partial", "2027-03": "available"},
        "u1": {"2027-01": "available", "2027-02": "let", "2027-03": "available"},
        "u2": {"2027-01": "partial", "2027-02": "available", "2027-03": "available"},
    }


def test_the_rent_roll_in_a_leases_first_month_shows_that_months_rent() -> None:
    p = park()
    lease_book.sign_lease(
        p,
        SignLease("t1", ["u0"], 12, JAN, RentForEquity(months_waived=1, equity_percent=Decimal(1))),
        "l1",
        AT,
    )
    [line] = queries.rent_roll(p, JAN)
    assert (line.monthly_rent, line.remaining_rent) == (Decimal(0), Decimal("3600.00") * 11)
    [line] = queries.rent_roll(p, date(2027, 2, 1))
    assert (line.monthly_rent, line.remaining_rent) == (Decimal("3600.00"), Decimal("3600.00") * 11)
