from datetime import date

import pytest
from parkops_contracts.events.leasing import LeaseTerminated
from parkops_kernel.errors import Forbidden, NotFound, Unprocessable
from tickets.domain.directory import Directory

from tests.support.events import NOW, tenant_onboarded, unit_listed


def terminated(unit_ids: list[str], on: date) -> LeaseTerminated:
    return LeaseTerminated.model_validate(
        {
            "park_id": "p1",
            "group_id": "g1",
            "lease_id": "l1",
            "tenant_id": "t1",
            "unit_ids": unit_ids,
            "released_area_m2": "100",
            "terminated_on": on,
            "reason": "relocation",
            "terminated_at": NOW,
        }
    )


def test_a_tenant_may_open_tickets_only_after_onboarding_in_that_park() -> None:
    directory = Directory()
    with pytest.raises(NotFound):
        directory.check_tenant_may_open("p1", "t1", "g1", date(2026, 11, 1))
    directory.apply(tenant_onboarded("t1", ["u1"], "100"))
    directory.check_tenant_may_open("p1", "t1", "g1", date(2026, 11, 1))
    with pytest.raises(NotFound):
        directory.check_tenant_may_open("p2", "t1", "g1", date(2026, 11, 1))
    with pytest.raises(NotFound):
        directory.check_tenant_may_open("p1", "t1", "other-group", date(2026, 11, 1))


def test_no_new_tickets_after_the_last_lease_day() -> None:
    directory = Directory()
    directory.apply(tenant_onboarded("t1", ["u1", "u2"], "100"))
    directory.apply(terminated(["u1"], date(2026, 12, 31)))
    directory.check_tenant_may_open("p1", "t1", "g1", date(2027, 1, 5))  # u2 still leased
    directory.apply(terminated(["u2"], date(2027, 1, 31)))
    directory.check_tenant_may_open("p1", "t1", "g1", date(2027, 1, 31))
    with pytest.raises(Forbidden, match="no new tickets"):
        directory.check_tenant_may_open("p1", "t1", "g1", date(2027, 2, 1))


def test_units_must_belong_to_the_park_and_to_the_tenant() -> None:
    directory = Directory()
    directory.apply(unit_listed("u9"))
    directory.apply(tenant_onboarded("t1", ["u1"], "100"))
    directory.check_unit("p1", "u9", None)
    directory.check_unit("p1", "u1", "t1")
    for park, unit, tenant in (("p2", "u9", None), ("p1", "u9", "t1"), ("p1", "nope", None)):
        with pytest.raises(Unprocessable) as refused:
            directory.check_unit(park, unit, tenant)
        assert refused.value.field == "unit_id"


def test_the_directory_knows_a_tenant_once_onboarded_and_its_last_day_once_every_unit_ended() -> None:
    directory = Directory()
    assert not directory.knows_tenant("p1", "t1")
    assert directory.last_day("p1", "t1") is None
    directory.apply(terminated(["u1"], date(2026, 12, 31)))  # before onboarding: nothing to end
    assert not directory.knows_tenant("p1", "t1")
    directory.apply(tenant_onboarded("t1", ["u1", "u2"], "100"))
    assert directory.knows_tenant("p1", "t1")
    assert not directory.knows_tenant("p2", "t1")
    directory.apply(terminated(["u1"], date(2026, 12, 31)))
    assert directory.last_day("p1", "t1") is None  # u2 still leased
    directory.apply(terminated(["u2"], date(2027, 1, 31)))
    assert directory.last_day("p1", "t1") == date(2027, 1, 31)
    directory.apply(tenant_onboarded("t1", ["u2"], "100"))  # leases u2 again
    assert directory.last_day("p1", "t1") is None
    directory.check_tenant_may_open("p1", "t1", "g1", date(2027, 6, 1))


def test_a_refused_unit_is_named_with_its_park_or_tenant() -> None:
    directory = Directory()
    directory.apply(tenant_onboarded("t1", ["u1"], "100"))
    directory.check_unit("p1", "u1", None)  # an onboarded tenant's unit is a unit of the park
    with pytest.raises(Unprocessable, match=r"^unit u9 is not a unit of tenant t1$"):
        directory.check_unit("p1", "u9", "t1")
    with pytest.raises(Unprocessable, match=r"^unit u9 is not a unit of park p1$"):
        directory.check_unit("p1", "u9", None)
    with pytest.raises(Unprocessable, match=r"^unit u1 is not a unit of tenant t2$"):
        directory.check_unit("p1", "u1", "t2")


def test_a_park_replaced_from_its_events_says_what_they_say_and_other_parks_stay() -> None:
    directory = Directory()
    directory.apply(tenant_onboarded("t1", ["u1"], "100"))
    directory.apply(unit_listed("u9"))
    directory.apply(tenant_onboarded("t2", ["u5"], "100", park_id="p2"))
    # As another replica stored them: t1 onboarded and then left; u9 is not among the park's facts.
    left = [tenant_onboarded("t1", ["u1"], "100"), terminated(["u1"], date(2026, 6, 30))]
    directory.replace_park("p1", left)
    with pytest.raises(Forbidden, match="no new tickets"):
        directory.check_tenant_may_open("p1", "t1", "g1", date(2026, 7, 1))
    with pytest.raises(Unprocessable):
        directory.check_unit("p1", "u9", None)
    directory.check_tenant_may_open("p2", "t2", "g1", date(2026, 7, 1))
    directory.replace_park("p1", [])
    assert not directory.knows_tenant("p1", "t1")
    assert directory.knows_tenant("p2", "t2")
