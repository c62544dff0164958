"""Idempotency keys of the park's writes: one effect per key, 409 for the key with other terms."""

import json
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from leasing.domain import lease_book
from leasing.domain.idempotency import Operation, digest, keyed_park_id
from leasing.domain.park import EnterpriseProfile, Park
from leasing.domain.policy import PricingPolicy
from leasing.park_codec import STATE, park_fields, park_of
from parkops_contracts.events.leasing import ParkType, TerminationReason, UnitType
from parkops_kernel.bounds import is_id
from parkops_kernel.errors import Conflict

AT = datetime(2026, 11, 1, tzinfo=UTC)
LATER = datetime(2026, 11, 2, tzinfo=UTC)


def a_park() -> Park:
    park = Park.register("p1", "g1", "IC Park", ParkType.INCUBATOR, ["C39"], AT)
    park.pricing_policy = PricingPolicy(base_rents={UnitType.OFFICE: Decimal(50)})
    park.events.clear()
    return park


def list_a1(park: Park, unit_id: str, key: str | None, area: str = "120.50", floor: int = 1) -> str:
    unit = park.list_unit(unit_id, "A", floor, "A-1", UnitType.OFFICE, Decimal(area), AT, key)
    return unit.unit_id


def profile(code: str = "91350100M000100Y43", headcount: int = 30) -> EnterpriseProfile:
    return EnterpriseProfile(
        name="Chipworks",
        credit_code=code,
        industry_code="C3973",
        high_tech=True,
        founded_on=date(2020, 1, 1),
        headcount=headcount,
    )


def test_a_unit_listed_again_with_its_key_is_the_first_unit_and_no_second_event() -> None:
    park = a_park()
    assert list_a1(park, "u1", "list-a1") == "u1"
    assert list_a1(park, "u2", "list-a1", area="120.5") == "u1"  # the same area, spelt differently
    assert list(park.units) == ["u1"]
    assert len(park.events) == 1


def test_a_unit_key_with_other_terms_is_refused_naming_the_key() -> None:
    park = a_park()
    list_a1(park, "u1", "list-a1")
    with pytest.raises(Conflict, match="idempotency key list-a1 was used for unit u1 with other terms"):
        list_a1(park, "u2", "list-a1", floor=2)
    assert list(park.units) == ["u1"]
    assert len(park.events) == 1


def test_without_a_key_a_second_listing_is_the_usual_clash() -> None:
    park = a_park()
    list_a1(park, "u1", None)
    with pytest.raises(Conflict, match="already listed as u1"):
        list_a1(park, "u2", None)
    assert park.request_keys == {}


def test_a_tenant_onboarded_again_with_its_key_is_the_first_tenant_not_a_credit_code_clash() -> None:
    park = a_park()
    list_a1(park, "u1", None)
    first = park.onboard_tenant("t1", profile(), ["u1"], AT, "onboard-1")
    events = len(park.events)
    assert park.onboard_tenant("t2", profile(), ["u1"], LATER, "onboard-1") is first
    assert list(park.tenants) == ["t1"]
    assert len(park.events) == events
    with pytest.raises(Conflict, match="idempotency key onboard-1 was used for tenant t1"):
        park.onboard_tenant("t3", profile(headcount=31), ["u1"], AT, "onboard-1")


def test_one_key_serves_one_request_across_operations() -> None:
    park = a_park()
    list_a1(park, "u1", "k")
    with pytest.raises(Conflict, match="idempotency key k was used for unit u1"):
        park.onboard_tenant("t1", profile(), ["u1"], AT, "k")
    with pytest.raises(Conflict, match="idempotency key k was used for unit u1"):
        lease_book.sign_lease(park, "l1", "t1", ["u1"], 12, date(2027, 1, 1), None, AT, "k")
    assert park.tenants == {}
    assert park.leases == {}


def test_keys_are_stored_with_the_park() -> None:
    park = a_park()
    list_a1(park, "u1", "list-a1")
    stored = park_of({"_id": "p1", "_version": 2, **park_fields(park)})
    assert stored.request_keys["list-a1"].operation is Operation.LIST_UNIT
    assert list_a1(stored, "u9", "list-a1") == "u1"


def test_lease_keys_stored_on_leases_by_earlier_versions_still_replay() -> None:
    """Before keys had their own record, a lease carried `idempotency_key` and `termination_key`."""
    park = a_park()
    list_a1(park, "u1", None)
    park.onboard_tenant("t1", profile(), ["u1"], AT)
    lease_book.sign_lease(park, "l1", "t1", ["u1"], 12, date(2027, 1, 1), None, AT)
    lease_book.renew_lease(park, "l1", "l2", 24, None, AT)
    lease_book.terminate_lease(park, "l2", date(2028, 6, 30), TerminationReason.CLOSURE, AT)
    old = json.loads(park.model_dump_json(exclude={"version", "request_keys"}))
    old["leases"]["l1"]["idempotency_key"] = "sign-1"
    old["leases"]["l2"] |= {"idempotency_key": "renew-1", "termination_key": "end-1"}
    doc = {"_id": "p1", "_version": 5, "group_id": "g1", STATE: zlib.compress(json.dumps(old).encode())}

    stored = park_of(doc)
    assert set(stored.request_keys) == {"sign-1", "renew-1", "end-1"}
    assert (
        lease_book.sign_lease(stored, "l9", "t1", ["u1"], 12, date(2027, 1, 1), None, AT, "sign-1").lease_id
        == "l1"
    )
    assert lease_book.renew_lease(stored, "l1", "l9", 24, None, AT, "renew-1").lease_id == "l2"
    ended = lease_book.terminate_lease(
        stored, "l2", date(2028, 6, 30), TerminationReason.CLOSURE, AT, "end-1"
    )
    assert ended.lease_id == "l2"
    assert stored.events == []
    with pytest.raises(Conflict, match="idempotency key sign-1 was used for lease l1 with other terms"):
        lease_book.sign_lease(stored, "l9", "t1", ["u1"], 24, date(2027, 1, 1), None, AT, "sign-1")


def test_the_digest_ignores_spelling_but_not_substance() -> None:
    assert digest({"a": Decimal("1.50"), "d": date(2027, 1, 1)}) == digest(
        {"d": "2027-01-01", "a": Decimal("1.5")}
    )
    assert digest({"a": Decimal("1.5")}) != digest({"a": Decimal("1.51")})
    assert digest({"ids": ["u1", "u2"]}) != digest({"ids": ["u2", "u1"]})


def test_a_keyed_registration_is_what_its_groups_retry_asks_for() -> None:
    args = ("g1", "IC Park", ParkType.INCUBATOR, ["C39"])
    park = Park.register("p1", *args, AT, "reg-1")
    assert park.registered_by(*args, "reg-1")
    assert not park.registered_by(*args, None)
    assert not park.registered_by(*args, "reg-2")
    assert not park.registered_by("g2", *args[1:], "reg-1"), "another group's park is only taken"
    with pytest.raises(Conflict, match="idempotency key reg-1 was used for park p1 with other terms"):
        park.registered_by("g1", "Other Park", ParkType.INCUBATOR, ["C39"], "reg-1")


def test_a_key_without_a_park_id_names_one_park_per_group() -> None:
    assert keyed_park_id("g1", "k") == keyed_park_id("g1", "k")
    assert keyed_park_id("g1", "k") != keyed_park_id("g2", "k")
    assert keyed_park_id("g1", "k") != keyed_park_id("g1", "k2")
    assert is_id(keyed_park_id("g1", "k"))
