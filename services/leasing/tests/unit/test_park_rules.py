"""Park rules at their edges: onboarding against leases ending or ended, units listed twice, claims, ids not
found (worded as missing), the credit code's check character, a tenant's stage."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from leasing.domain import lease_book, queries
from leasing.domain.commands import OnboardTenant, SignLease, TerminateLease
from leasing.domain.credit_code import credit_code_problem
from leasing.domain.park import UnitStatus
from leasing.domain.quoting import quote_for
from leasing.domain.stage import LifecycleStage
from parkops_contracts.events.leasing import TenantOnboarded, TerminationReason
from parkops_kernel.errors import Conflict, NotFound, Unprocessable

from .test_lease_lifecycle import AT, JAN, park
from .test_park import profile

CODE = "91330100MA27Y1JB4U"


def test_another_tenants_lease_blocks_onboarding_through_its_last_day() -> None:
    p = park(listed_on=date(2026, 1, 1))  # its leases start before today
    lease_book.sign_lease(
        p, SignLease("t2", ["u0"], 1, date(2026, 10, 1), None), "l1", AT
    )  # ends 31 Oct 2026
    lease_book.sign_lease(p, SignLease("t2", ["u1"], 1, date(2026, 10, 2), None), "l2", AT)  # ends 1 Nov 2026
    p.units["u2"].renovating = True
    with pytest.raises(Conflict, match=r"^units not available: u1, u2$"):
        p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0", "u1", "u2"]), "t9", AT)  # AT is 1 Nov 2026
    assert p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"]), "t9", AT).unit_ids == [
        "u0"
    ]  # l1 ended yesterday


def test_a_unit_is_named_once_per_onboarding() -> None:
    p = park()
    with pytest.raises(Conflict, match=r"^unit_ids lists a unit more than once$"):
        p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0", "u0"]), "t9", AT)
    with pytest.raises(Unprocessable, match=r"^unit_ids: a unit is listed more than once$") as twice:
        quote_for(p, SignLease("t1", ["u0", "u0"], 12, JAN))
    assert twice.value.field == "unit_ids"


def test_an_onboarding_holds_no_unit_a_lease_does() -> None:
    p = park()
    p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"]), "t9", AT)
    assert lease_book.sign_lease(p, SignLease("t1", ["u0"], 12, JAN, None), "l1", AT).tenant_id == "t1"
    with pytest.raises(Conflict, match=r"lease l1 of tenant t1"):
        lease_book.sign_lease(p, SignLease("t9", ["u0"], 12, JAN, None), "l2", AT)


def test_ids_not_in_the_park_read_as_missing() -> None:
    p = park()
    for find, what in ((p.unit, "unit"), (p.tenant, "tenant"), (p.lease, "lease")):
        with pytest.raises(NotFound, match=rf"^{what} x9 not found$"):
            find("x9")


def test_a_code_whose_weighted_sum_is_a_multiple_of_31_checks_with_0() -> None:
    assert credit_code_problem("0" * 18) is None  # Σ 0 x w = 0, (31 - 0) mod 31 = 0 -> '0'
    assert credit_code_problem("0" * 17 + "1") == "check character should be '0', got '1'"
    assert credit_code_problem("IO" + "0" * 16) == "contains characters outside the code alphabet: IO"


def test_a_tenant_is_a_startup_until_its_second_anniversary() -> None:
    tenant = park().tenants["t1"].model_copy(update={"founded_on": date(2025, 1, 1)})
    anniversary = date(2027, 1, 1)
    assert tenant.stage_on(anniversary - timedelta(days=1)) is LifecycleStage.STARTUP
    assert tenant.stage_on(anniversary) is LifecycleStage.GROWTH
    assert tenant.stage_on(date(2030, 1, 1)) is LifecycleStage.MATURE


def test_the_leased_area_of_an_onboarding_is_the_units_sum() -> None:
    p = park()
    p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0", "u1"]), "t9", AT)
    onboarded = p.events[-1]
    assert isinstance(onboarded, TenantOnboarded)
    assert onboarded.leased_area_m2 == Decimal(200)


def test_a_unit_is_let_only_while_a_lease_covers_it() -> None:
    p = park()
    p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"]), "t9", AT)
    p.onboard_tenant(OnboardTenant(profile(code="91440300MA5DXXXX0L"), ["u1"]), "t8", AT)
    lease_book.sign_lease(p, SignLease("t9", ["u0"], 12, JAN, None), "l1", AT)
    lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 3, 31), TerminationReason.CLOSURE), AT)
    status = {
        (u, day): queries.unit_status(p, p.units[u], day)
        for u in ("u0", "u1")
        for day in (date(2027, 3, 31), date(2027, 4, 1))
    }
    assert status == {
        ("u0", date(2027, 3, 31)): UnitStatus.LEASED,
        ("u0", date(2027, 4, 1)): UnitStatus.AVAILABLE,
        ("u1", date(2027, 3, 31)): UnitStatus.AVAILABLE,  # t8 onboarded into it, without a lease
        ("u1", date(2027, 4, 1)): UnitStatus.AVAILABLE,
    }
