"""How a park is stored: round trips, and the documents of earlier layouts and key schemes."""

from datetime import UTC, datetime
from decimal import Decimal

from leasing.domain import queries
from leasing.domain.commands import ListUnit, RegisterPark
from leasing.domain.park import Park, UnitStatus
from leasing.repository import ParkCodec
from parkops_contracts.events.leasing import ParkRegistered, ParkType, UnitListed, UnitType
from parkops_runtime.packed import STATE

AT = datetime(2026, 11, 1, tzinfo=UTC)
CODEC = ParkCodec()


def a_park() -> Park:
    park = Park.register(RegisterPark("g1", "IC Park", ParkType.INCUBATOR, ["C39"]), "p1", AT)
    park.list_unit(ListUnit("A", 1, "A-1", UnitType.OFFICE, Decimal("120.50")), "u1", AT)
    return park


def test_a_park_round_trips_through_its_stored_form_and_hands_its_events_over_once() -> None:
    park = a_park()
    assert [type(e) for e in CODEC.take_events(park)] == [ParkRegistered, UnitListed]
    assert CODEC.take_events(park) == []
    fields = CODEC.encode(park)
    assert set(fields) == {"group_id", "name", STATE}
    assert CODEC.decode({"_id": "p1", "_version": 7, **fields}) == park


def test_documents_in_the_earlier_plain_layout_are_still_read() -> None:
    park = a_park()
    legacy = {"_id": "p1", "_version": 3, **park.model_dump(mode="json", exclude={"park_id"})}
    assert CODEC.decode(legacy).units["u1"].area_m2 == Decimal("120.50")


def test_keys_of_the_earlier_scheme_are_dropped_on_read() -> None:
    """Parks kept their own `request_keys` (and before that, keys on their leases) with a `version`;
    the store keeps keys now, for 24 hours: the old fields are read past."""
    park = a_park()
    CODEC.take_events(park)
    old = park.model_dump(mode="json", exclude={"park_id"}) | {
        "version": 4,
        "request_keys": {"k1": {"operation": "list_unit", "terms": "ab", "result_id": "u1", "at": None}},
    }
    decoded = CODEC.decode({"_id": "p1", "_version": 4, **old})
    assert decoded == park
    assert CODEC.decode({"_id": "p1", "_version": 5, **CODEC.encode(decoded)}) == park  # written without


def test_units_stored_with_a_status_keep_only_their_renovation() -> None:
    """Parks stored before status was derived kept each unit's `status` and an onboarding's `tenant_id`:
    a renovation is still a fact of the unit; a "leased" claim without a lease occupies nothing."""
    park = a_park()
    park.list_unit(ListUnit("A", 2, "A-2", UnitType.OFFICE, Decimal("80.00")), "u2", AT)
    stored = park.model_dump(mode="json", exclude={"park_id"})
    stored["units"]["u1"] |= {"status": "leased", "tenant_id": "t1"}
    stored["units"]["u2"] |= {"status": "renovating", "tenant_id": None}
    stored["units"]["u2"].pop("renovating")
    stored["units"]["u1"].pop("renovating")
    decoded = CODEC.decode({"_id": "p1", "_version": 3, **stored})
    assert (decoded.units["u1"].renovating, decoded.units["u2"].renovating) == (False, True)
    assert queries.unit_status(decoded, decoded.units["u1"], AT.date()) is UnitStatus.AVAILABLE
