"""Occupancy and tenancy rules of issue 16: UnitOccupied spans, the rent roll prorated as finance bills,
the business date of an onboarding, and a credit code a current tenant of one park of a group at once.

Every figure is counted by hand (units of 100 m², rent 3,600 CNY a month after the industry-fit discount)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from leasing.domain import lease_book, queries
from leasing.domain.commands import OnboardTenant, RenewLease, SignLease, TerminateLease
from leasing.domain.lease import Lease
from leasing.domain.tenancy import CreditCodeClaim, has_left
from parkops_contracts.events.leasing import TenantOnboarded, TerminationReason, UnitOccupied
from parkops_kernel.errors import Conflict, Unprocessable

from .test_lease_lifecycle import AT, JAN, park
from .test_park import profile

D = Decimal
CODE = "91330100MA27Y1JB4U"


def spans(events: list[object]) -> list[tuple[str, str, date, date]]:
    return [
        (e.lease_id, e.unit_id, e.occupied_from, e.occupied_until)
        for e in events
        if isinstance(e, UnitOccupied)
    ]


def test_unit_occupied_is_recorded_per_unit_on_signing_renewal_and_termination() -> None:
    p = park()
    lease_book.sign_lease(p, SignLease("t1", ["u0", "u1"], 12, JAN, None), "l1", AT)
    assert spans(p.take_events()) == [
        ("l1", "u0", JAN, date(2027, 12, 31)),
        ("l1", "u1", JAN, date(2027, 12, 31)),
    ]
    lease_book.renew_lease(p, RenewLease("l1", 12, None), "l2", AT)
    assert spans(p.take_events()) == [
        ("l2", "u0", date(2028, 1, 1), date(2028, 12, 31)),
        ("l2", "u1", date(2028, 1, 1), date(2028, 12, 31)),
    ]
    ended = TerminateLease("l2", date(2028, 3, 15), TerminationReason.RELOCATION)
    lease_book.terminate_lease(p, ended, AT)
    events = p.take_events()
    assert spans(events) == [
        ("l2", "u0", date(2028, 1, 1), date(2028, 3, 15)),
        ("l2", "u1", date(2028, 1, 1), date(2028, 3, 15)),
    ]
    occupied = [e for e in events if isinstance(e, UnitOccupied)]
    assert {(e.tenant_id, e.area_m2, e.park_id, e.group_id) for e in occupied} == {("t1", D(100), "p1", "g1")}


def test_onboarding_records_no_occupation() -> None:
    p = park()
    p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"]), "t9", AT)
    assert spans(p.take_events()) == []


def april_lease(terminated_on: date | None) -> Lease:
    """One lease month, 1-30 April 2026, of 100.01 CNY: finance's own example (test_lease_billing_rules)."""
    return Lease(
        lease_id="L1", tenant_id="t1", unit_ids=["u0"], area_m2=D(100), starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30), term_months=1, monthly_base_rent=D("100.01"), rents=[D("100.01")],
        rent_free_months=0, free_rule=None, rules=[], equity=None, signed_at=AT, terminated_on=terminated_on,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("terminated_on", "due"),
    [
        (None, "100.01"),
        (date(2026, 4, 30), "100.01"),  # its last day: the whole month
        (date(2026, 4, 29), "96.68"),  # 29/30 x 100.01 = 96.6763...
        (date(2026, 4, 15), "50.01"),  # 15/30 x 100.01 = 50.005: half-up (half-even would give 50.00)
        (date(2026, 4, 1), "3.33"),  # 1/30 x 100.01 = 3.3336...
    ],
)
def test_the_terminated_month_is_due_as_finance_bills_it(terminated_on: date | None, due: str) -> None:
    assert april_lease(terminated_on).rent_due(0) == D(due)


def test_the_rent_roll_shows_the_prorated_last_month_and_nothing_after_it() -> None:
    p = park()
    lease_book.sign_lease(p, SignLease("t1", ["u0"], 12, JAN, None), "l1", AT)
    [before] = queries.rent_roll(p, date(2027, 3, 1))
    assert (before.monthly_rent, before.remaining_rent) == (D("3600.00"), D("3600.00") * 10)
    end = TerminateLease("l1", date(2027, 3, 10), TerminationReason.CLOSURE)
    lease_book.terminate_lease(p, end, AT)
    [line] = queries.rent_roll(p, date(2027, 3, 1))
    # March has 31 days: 10/31 x 3,600 = 1,161.2903... -> 1,161.29; nothing is due after it
    assert (line.monthly_rent, line.remaining_rent, line.ends_on) == (
        D("1161.29"), D("1161.29"), date(2027, 3, 10),
    )  # fmt: skip
    assert queries.rent_roll(p, date(2027, 3, 11)) == []


def test_an_onboarding_is_dated_by_the_business_never_after_today() -> None:
    p = park()
    past = date(2019, 5, 6)
    tenant = p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"], past), "t9", AT)
    assert (tenant.onboarded_on, tenant.onboarded_at) == (past, AT)
    onboarded = p.events[-1]
    assert isinstance(onboarded, TenantOnboarded)
    assert onboarded.onboarded_on == past
    default = p.onboard_tenant(OnboardTenant(profile(code="91440300MA5DXXXX0L"), []), "t8", AT)
    assert default.onboarded_on == AT.date()
    with pytest.raises(Unprocessable, match=r"^onboarded_on: 2026-11-02 is after today") as late:
        p.onboard_tenant(
            OnboardTenant(profile(code="91110000100000000R"), [], AT.date() + timedelta(1)), "t7", AT
        )
    assert late.value.field == "onboarded_on"


def test_an_onboarding_asks_for_units_free_on_its_own_date() -> None:
    p = park(listed_on=date(2026, 1, 1))  # its leases start before today
    lease_book.sign_lease(p, SignLease("t1", ["u0"], 1, date(2026, 6, 1), None), "l1", AT)  # June 2026
    with pytest.raises(Conflict, match="u0"):
        p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"], date(2026, 6, 30)), "t9", AT)
    assert p.onboard_tenant(OnboardTenant(profile(code=CODE), ["u0"], date(2026, 7, 1)), "t9", AT)


def test_a_tenant_has_left_once_every_lease_of_it_ended_before_the_day() -> None:
    p = park()
    assert not has_left("t1", p.leases.values(), JAN)  # no lease yet: onboarded, not gone
    lease_book.sign_lease(p, SignLease("t1", ["u0"], 12, JAN, None), "l1", AT)
    lease_book.sign_lease(p, SignLease("t1", ["u1"], 1, JAN, None), "l2", AT)
    assert not has_left("t1", p.leases.values(), date(2027, 12, 31))
    assert has_left("t1", p.leases.values(), date(2028, 1, 1))  # ran out, never renewed
    lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 5, 31), TerminationReason.CLOSURE), AT)
    assert has_left("t1", p.leases.values(), date(2027, 6, 1))
    assert p.current_tenant("91350100M000100Y43", date(2027, 6, 1)) is None
    assert p.current_tenant("91350100M000100Y43", date(2027, 5, 31)) is p.tenants["t1"]


def claim(park_id: str = "pA") -> CreditCodeClaim:
    return CreditCodeClaim(
        claim_id="g1/x", group_id="g1", credit_code=CODE, park_id=park_id, tenant_id="tA", claimed_at=AT
    )


def test_a_claim_refuses_another_park_while_its_tenant_there_is_current() -> None:
    holder = park().tenants["t1"]
    with pytest.raises(Conflict, match=r"^credit_code: 91330100MA27Y1JB4U is already a tenant of park pA"):
        claim().take("pB", "tB", "pA", holder, AT)
    taken = claim()
    taken.take("pB", "tB", "pA", None, AT)  # left pA, or pA's write never happened: free
    assert (taken.park_id, taken.tenant_id) == ("pB", "tB")
    again = claim()
    again.take("pA", "tA2", "pA", None, AT)  # the same park: its own rule decides
    assert (again.park_id, again.tenant_id) == ("pA", "tA2")


def test_a_claim_that_moved_since_it_was_read_is_not_overwritten() -> None:
    with pytest.raises(Conflict, match=r"^credit_code: .* is being onboarded in park pA meanwhile"):
        claim("pA").take("pB", "tB", None, None, AT)  # read as absent, created meanwhile for pA
    with pytest.raises(Conflict, match="meanwhile"):
        claim("pC").take("pB", "tB", "pA", None, AT)
