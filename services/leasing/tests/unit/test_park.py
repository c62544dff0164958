from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from leasing.domain.commands import ListUnit, OnboardTenant, RegisterPark, SignLease
from leasing.domain.credit_code import credit_code_problem
from leasing.domain.lease_book import sign_lease
from leasing.domain.park import EnterpriseProfile, Park, UnitStatus
from leasing.domain.policy import PricingPolicy
from leasing.domain.queries import occupancy, occupied_unit_ids, unit_status
from parkops_contracts.events.leasing import ParkRegistered, ParkType, TenantOnboarded, UnitListed, UnitType
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

AT = datetime(2026, 11, 1, tzinfo=UTC)


def park_with_units(*areas: str) -> Park:
    park = Park.register(
        RegisterPark("g1", "Suzhou IC Park", ParkType.SPECIALIZED_INDUSTRIAL_PARK, ["C39", "I65"]), "p1", AT
    )
    for i, area in enumerate(areas):
        park.list_unit(ListUnit("A", 1, f"A-{i}", UnitType.RND_BUILDING, Decimal(area)), f"u{i}", AT)
    return park


def profile(code: str = "91350100M000100Y43", industry: str = "C3973") -> EnterpriseProfile:
    return EnterpriseProfile(
        name="Chipworks",
        credit_code=code,
        industry_code=industry,
        high_tech=True,
        founded_on=date(2025, 1, 1),
        headcount=30,
    )


def test_registering_and_listing_record_events_in_order() -> None:
    park = park_with_units("100", "250.5")
    assert [type(e) for e in park.events] == [ParkRegistered, UnitListed, UnitListed]
    assert all(e.park_id == "p1" and e.group_id == "g1" for e in park.events)


def test_onboarding_occupies_nothing_and_records_the_area_asked_for() -> None:
    park = park_with_units("100", "250.5", "80")
    tenant = park.onboard_tenant(OnboardTenant(profile(), ["u0", "u1"]), "t1", AT)
    assert tenant.in_leading_industry is True
    assert tenant.unit_ids == ["u0", "u1"]
    statuses = [unit_status(park, park.units[u], AT.date()) for u in ("u0", "u1", "u2")]
    assert statuses == [UnitStatus.AVAILABLE] * 3
    assert occupied_unit_ids(park, AT.date()) == set()
    event = park.events[-1]
    assert isinstance(event, TenantOnboarded)
    assert event.leased_area_m2 == Decimal("350.5")
    assert event.unit_ids == ["u0", "u1"]


def test_industry_fit_follows_the_code_hierarchy() -> None:
    park = park_with_units()
    assert park.is_leading_industry("C3973")
    assert park.is_leading_industry("I6513")
    assert not park.is_leading_industry("C27")


def test_a_credit_code_is_a_tenant_once_per_park() -> None:
    park = park_with_units("100", "100")
    park.onboard_tenant(OnboardTenant(profile(), ["u0"]), "t1", AT)
    with pytest.raises(Conflict, match="already a tenant"):
        park.onboard_tenant(OnboardTenant(profile(), ["u1"]), "t2", AT)
    assert "t2" not in park.tenants


def test_leased_or_unknown_units_refuse_onboarding_without_change() -> None:
    park = park_with_units("100", "100")
    park.pricing_policy = PricingPolicy(base_rents={UnitType.RND_BUILDING: Decimal(45)})
    park.onboard_tenant(OnboardTenant(profile(), ["u0"]), "t1", AT)
    sign_lease(park, SignLease("t1", ["u0"], 12, AT.date(), None), "l1", AT)
    events_before = len(park.events)
    with pytest.raises(Conflict, match="u0"):
        park.onboard_tenant(OnboardTenant(profile("91110000100000000R"), ["u1", "u0"]), "t2", AT)
    with pytest.raises(NotFound, match="nope"):
        park.onboard_tenant(OnboardTenant(profile("91110000100000000R"), ["nope"]), "t2", AT)
    assert "t2" not in park.tenants
    assert len(park.events) == events_before


def test_a_unit_number_is_listed_once_per_building() -> None:
    park = park_with_units("100")
    with pytest.raises(Conflict, match="already listed"):
        park.list_unit(ListUnit("A", 2, "A-0", UnitType.OFFICE, Decimal(50)), "u9", AT)


def test_a_unit_is_listed_on_its_business_date_never_after_today() -> None:
    """An imported park's unit came on the market years ago: it counts from that day, in leasing's
    occupancy and in kpi's (UnitListed.listed_at, the day's start); today's listing keeps its moment."""
    park = park_with_units()
    old = park.list_unit(ListUnit("B", 1, "B-1", UnitType.OFFICE, Decimal(50), date(2020, 3, 1)), "u1", AT)
    new = park.list_unit(ListUnit("B", 1, "B-2", UnitType.OFFICE, Decimal(50)), "u2", AT)
    assert (old.listed_on, new.listed_on) == (date(2020, 3, 1), AT.date())
    assert [e.listed_at for e in park.events if isinstance(e, UnitListed)] == [
        datetime(2020, 3, 1, tzinfo=UTC),
        AT,
    ]
    assert occupancy(park, date(2020, 3, 1)).units_total == 1
    with pytest.raises(Unprocessable, match="listed_on: 2026-11-02 is after today"):
        park.list_unit(ListUnit("B", 1, "B-3", UnitType.OFFICE, Decimal(50), date(2026, 11, 2)), "u3", AT)
    assert set(park.units) == {"u1", "u2"}


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y43", None),
        ("91110000100000000R", None),
        ("91320500MA1X7Y8W93", None),
        ("91350100M000100Y4", "must be 18 characters"),
        ("91350100M000100Y4I", "outside the code alphabet"),
        ("91350100M000100Y44", "check character"),
    ],
)
def test_credit_code_validation(code: str, problem: str | None) -> None:
    found = credit_code_problem(code)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_unit_another_tenant_leases_now_or_later_refuses_onboarding() -> None:
    park = park_with_units("100", "100")
    park.pricing_policy = PricingPolicy(base_rents={UnitType.RND_BUILDING: Decimal(45)})
    park.onboard_tenant(OnboardTenant(profile(), []), "t1", AT)
    sign_lease(park, SignLease("t1", ["u0"], 12, date(2027, 1, 1), None), "l1", AT)  # starts later
    with pytest.raises(Conflict, match="u0"):
        park.onboard_tenant(OnboardTenant(profile("91110000100000000R"), ["u0"]), "t2", AT)
    park.onboard_tenant(OnboardTenant(profile("91110000100000000R"), ["u1"]), "t2", AT)
