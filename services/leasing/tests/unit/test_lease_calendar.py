"""A lease's days and months: occupation, its month on a day, the rent due then, and the published schedule.

Expected dates and rents are worked out by hand from the README's rules (lease months count from the start
date, clamped to the month's end; 100 m² x 45 CNY x (1 - 20% fit discount) = 3600 CNY a month; a startup's
first 6 months are rent-free)."""

from datetime import date
from decimal import Decimal

import pytest
from leasing.domain import lease_book
from leasing.domain.commands import RenewLease, SignLease, TerminateLease
from leasing.domain.park import Park, Tenant
from leasing.domain.quote import RentForEquity, Rule
from parkops_contracts.events.leasing import LeaseSigned, RentForEquityAgreed, TerminationReason
from parkops_kernel.errors import Conflict, Unprocessable

from .pricing_fixtures import commitment
from .test_lease_lifecycle import AT, JAN, park, sign

FULL = Decimal("3600.00")


def with_startup(p: Park, founded_on: date = date(2026, 6, 1)) -> Park:
    """t3: a leading-industry startup (under 2 years old through 2027)."""
    p.tenants["t3"] = Tenant(
        tenant_id="t3", name="t3", credit_code="91350100M000100Y43", industry_code="C3973", high_tech=False,
        founded_on=founded_on, headcount=5, unit_ids=[], in_leading_industry=True, onboarded_at=AT,
    )  # fmt: skip
    return p


def test_a_lease_occupies_its_first_and_last_day_and_no_other() -> None:
    p = park()
    lease = sign(p)  # 1 Jan to 31 Dec 2027
    assert [lease.occupies(d) for d in (date(2026, 12, 31), JAN, date(2027, 12, 31), date(2028, 1, 1))] == [
        False,
        True,
        True,
        False,
    ]
    assert lease.overlaps(date(2026, 12, 1), JAN)
    assert lease.overlaps(date(2027, 12, 31), date(2028, 1, 31))
    assert not lease.overlaps(date(2026, 12, 1), date(2026, 12, 31))
    assert not lease.overlaps(date(2028, 1, 1), date(2028, 1, 31))
    lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 6, 30), TerminationReason.RELOCATION), AT)
    assert lease.occupies(date(2027, 6, 30))
    assert not lease.occupies(date(2027, 7, 1))


def test_lease_months_are_found_from_the_clamped_start_and_the_rent_due_follows_them() -> None:
    p = with_startup(park())
    lease = lease_book.sign_lease(p, SignLease("t3", ["u0"], 12, date(2027, 1, 31), None), "l1", AT)
    # Months run 31 Jan-27 Feb, 28 Feb-30 Mar, ..., 30 Jun-30 Jul (6th, last free), 31 Jul-30 Aug, ...,
    # 31 Dec 2027-30 Jan 2028 (12th).
    assert lease.ends_on == date(2028, 1, 30)
    days = {
        date(2027, 1, 30): None,
        date(2027, 1, 31): 0,
        date(2027, 2, 27): 0,
        date(2027, 2, 28): 1,
        date(2027, 7, 30): 5,
        date(2027, 7, 31): 6,
        date(2028, 1, 15): 11,
        date(2028, 1, 30): 11,
        date(2028, 1, 31): None,
    }
    assert {d: lease.month_index(d) for d in days} == days
    assert lease.rent_on(date(2027, 1, 30)) == Decimal(0)
    assert lease.rent_on(date(2027, 7, 30)) == Decimal(0)
    assert lease.rent_on(date(2027, 7, 31)) == FULL
    assert lease.rent_on(date(2028, 1, 15)) == FULL
    assert lease.rent_on(date(2028, 1, 31)) == Decimal(0)


def test_no_rent_is_due_after_a_termination_inside_the_term() -> None:
    p = park()
    lease = sign(p)
    lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 6, 30), TerminationReason.CLOSURE), AT)
    assert lease.rent_on(date(2027, 6, 30)) == FULL
    assert lease.rent_on(date(2027, 7, 1)) == Decimal(0)


def test_a_lease_ends_on_its_first_or_its_last_day_but_not_after() -> None:
    p = park()
    sign(p)
    lease_book.sign_lease(p, SignLease("t2", ["u1"], 12, JAN, None), "l2", AT)
    lease_book.terminate_lease(p, TerminateLease("l1", JAN, TerminationReason.CLOSURE), AT)
    assert p.leases["l1"].last_day == JAN
    with pytest.raises(Unprocessable) as outside:
        lease_book.terminate_lease(p, TerminateLease("l2", date(2028, 1, 1), TerminationReason.CLOSURE), AT)
    assert outside.value.field == "terminated_on"
    assert "2028-01-01 is outside the lease term 2027-01-01 to 2027-12-31" in str(outside.value)
    lease_book.terminate_lease(p, TerminateLease("l2", date(2027, 12, 31), TerminationReason.CLOSURE), AT)
    assert p.leases["l2"].last_day == date(2027, 12, 31)


def test_the_published_schedule_names_the_rule_that_zeroed_each_month() -> None:
    p = with_startup(park())
    equity = RentForEquity(months_waived=2, equity_percent=Decimal(1))
    lease = lease_book.sign_lease(p, SignLease("t3", ["u0"], 12, JAN, equity), "l1", AT)
    signed = next(e for e in p.events if isinstance(e, LeaseSigned))
    free, waived = [Rule.STARTUP_RENT_FREE] * 6, [Rule.RENT_FOR_EQUITY] * 2
    assert [line.rule for line in signed.schedule] == [*free, *waived, None, None, None, None]
    assert [line.month for line in signed.schedule] == list(range(1, 13))
    assert [line.rent for line in signed.schedule] == [Decimal(0)] * 8 + [FULL] * 4
    assert lease.free_rule is Rule.STARTUP_RENT_FREE


def test_a_lease_without_rent_free_months_has_no_free_rule_even_with_waived_months() -> None:
    p = park()
    lease = sign(p, equity=RentForEquity(months_waived=1, equity_percent=Decimal(1)))
    assert lease.free_rule is None
    assert [line.rule for line in lease.schedule()[:2]] == [Rule.RENT_FOR_EQUITY, None]


def test_one_rent_free_month_from_a_commitment_is_named_after_the_commitment() -> None:
    p = park()  # t1 is mature: no startup months, only the commitment's one
    p.commitments["c1"] = commitment(months=1, stages=(), valid=(date(2026, 1, 1), date(2027, 12, 31)))
    lease = sign(p)
    assert lease.free_rule is Rule.POLICY_COMMITMENT
    assert [line.rule for line in lease.schedule()[:2]] == [Rule.POLICY_COMMITMENT, None]
    assert lease.rents[:2] == [Decimal(0), FULL]


def test_a_renewal_can_trade_rent_for_equity_and_records_the_deal_for_the_renewal() -> None:
    p = park()
    sign(p)
    deal = RentForEquity(months_waived=3, equity_percent=Decimal(4))
    renewal = lease_book.renew_lease(p, RenewLease("l1", 12, deal), "l2", AT)
    assert renewal.rents[:4] == [Decimal(0), Decimal(0), Decimal(0), FULL]
    agreed = p.events[-1]
    assert isinstance(agreed, RentForEquityAgreed)
    assert (agreed.lease_id, agreed.park_id, agreed.agreed_at) == ("l2", "p1", AT)
    assert agreed.waived_amount == FULL * 3
    assert agreed.implied_valuation == Decimal("270000.00")  # 10800 / 4%


def test_a_lease_that_is_not_active_says_why_it_cannot_change() -> None:
    p = park()
    sign(p)
    lease_book.renew_lease(p, RenewLease("l1", 12, None), "l2", AT)
    with pytest.raises(
        Conflict, match=r"^lease l1 is renewed \(by lease l2\); only an active lease is renewed$"
    ):
        lease_book.renew_lease(p, RenewLease("l1", 12, None), "l3", AT)
    with pytest.raises(Conflict, match=r"^lease l1 is already renewed \(by lease l2\)$"):
        lease_book.terminate_lease(p, TerminateLease("l1", date(2027, 6, 30), TerminationReason.CLOSURE), AT)
    lease_book.terminate_lease(p, TerminateLease("l2", date(2028, 3, 31), TerminationReason.BREACH), AT)
    with pytest.raises(Conflict, match=r"^lease l2 is already terminated \(on 2028-03-31, breach\)$"):
        lease_book.terminate_lease(p, TerminateLease("l2", date(2028, 3, 31), TerminationReason.CLOSURE), AT)
    with pytest.raises(Conflict, match=r"^lease l2 is terminated \(on 2028-03-31, breach\); only an active"):
        lease_book.renew_lease(p, RenewLease("l2", 12, None), "l3", AT)
