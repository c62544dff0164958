"""Idempotency records outlive releases ("keys are kept for the park's life"): the digest a park stored for a
key, and the park id derived from a group's key, must be what the next release computes for the same request.
So their form is pinned here, spelt out by hand: the terms as compact JSON with sorted keys (decimals
normalised, dates in ISO form), SHA-256, the first 32 hex digits."""

import hashlib
from datetime import date
from decimal import Decimal

from leasing.domain import lease_book
from leasing.domain.idempotency import (
    Operation,
    digest,
    keyed_park_id,
    renew_terms,
    sign_terms,
    terminate_terms,
)
from leasing.domain.park import Park
from parkops_contracts.events.leasing import ParkType, TerminationReason, UnitType

from .test_lease_lifecycle import AT, JAN, park, sign
from .test_park import profile


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def test_the_digest_is_sha256_of_compact_sorted_json() -> None:
    terms = {"b": Decimal("100.00"), "a": date(2027, 1, 1), "c": [1, "x"], "d": Decimal("0.50")}
    assert digest(terms) == sha('{"a":"2027-01-01","b":"100","c":[1,"x"],"d":"0.5"}')


def test_lease_terms_are_spelt_as_stored() -> None:
    assert digest(sign_terms("t1", ["u0"], 12, JAN)) == sha(
        '{"starts_on":"2027-01-01","tenant_id":"t1","term_months":12,"unit_ids":["u0"]}'
    )
    assert digest(renew_terms("l1", 24)) == sha('{"lease_id":"l1","term_months":24}')
    assert digest(terminate_terms("l1", date(2027, 6, 30), "closure")) == sha(
        '{"lease_id":"l1","reason":"closure","terminated_on":"2027-06-30"}'
    )


def test_a_keyed_registration_names_the_park_sha256_of_group_and_key() -> None:
    assert keyed_park_id("g1", "reg-1") == hashlib.sha256(b"g1\nreg-1").hexdigest()[:32]


def keyed(p: Park, key: str) -> tuple[Operation, str, str]:
    use = p.request_keys[key]
    assert use.at == AT, "each key records when it was first used"
    return use.operation, use.terms, use.result_id


def test_each_write_stores_its_key_with_its_terms_and_time() -> None:
    p = park()
    p.list_unit("u7", "B", 2, "B-7", UnitType.OFFICE, Decimal("120.50"), AT, "list-1")
    assert keyed(p, "list-1") == (
        Operation.LIST_UNIT,
        sha('{"area_m2":"120.5","building":"B","floor":2,"unit_number":"B-7","unit_type":"office"}'),
        "u7",
    )
    p.onboard_tenant("t9", profile(code="91330100MA27Y1JB4U"), ["u2"], AT, "onboard-1")
    assert keyed(p, "onboard-1") == (
        Operation.ONBOARD_TENANT,
        sha(
            '{"credit_code":"91330100MA27Y1JB4U","founded_on":"2025-01-01","headcount":30,"high_tech":true,'
            '"industry_code":"C3973","name":"Chipworks","unit_ids":["u2"]}'
        ),
        "t9",
    )
    sign(p, key="sign-1")
    assert keyed(p, "sign-1") == (
        Operation.SIGN_LEASE,
        sha('{"starts_on":"2027-01-01","tenant_id":"t1","term_months":12,"unit_ids":["u0"]}'),
        "l1",
    )
    lease_book.renew_lease(p, "l1", "l2", 24, None, AT, "renew-1")
    assert keyed(p, "renew-1") == (Operation.RENEW_LEASE, sha('{"lease_id":"l1","term_months":24}'), "l2")
    lease_book.terminate_lease(p, "l2", date(2028, 6, 30), TerminationReason.GRADUATION, AT, "end-1")
    assert keyed(p, "end-1") == (
        Operation.TERMINATE_LEASE,
        sha('{"lease_id":"l2","reason":"graduation","terminated_on":"2028-06-30"}'),
        "l2",
    )


def test_a_registration_key_is_stored_with_its_terms() -> None:
    p = Park.register("p7", "g1", "IC Park", ParkType.INCUBATOR, ["C39", "I65"], AT, "reg-1")
    assert keyed(p, "reg-1") == (
        Operation.REGISTER_PARK,
        sha('{"group_id":"g1","industries":["C39","I65"],"name":"IC Park","park_type":"incubator"}'),
        "p7",
    )


def test_a_park_stored_before_keys_had_their_record_adopts_the_keys_of_some_leases() -> None:
    p = park()
    sign(p)  # signed without a key
    lease_book.sign_lease(p, "l2", "t2", ["u1"], 12, JAN, None, AT)
    old = p.model_dump(mode="json", exclude={"version", "request_keys"})
    old["leases"]["l2"]["idempotency_key"] = "sign-2"
    stored = Park.model_validate(old)
    assert list(stored.request_keys) == ["sign-2"]
    assert stored.request_keys["sign-2"].terms == sha(
        '{"starts_on":"2027-01-01","tenant_id":"t2","term_months":12,"unit_ids":["u1"]}'
    )
