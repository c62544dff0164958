from datetime import UTC, datetime
from decimal import Decimal

from leasing.domain.park import Park
from leasing.park_codec import STATE, park_fields, park_of
from parkops_contracts.events.leasing import ParkType, UnitType

AT = datetime(2026, 11, 1, tzinfo=UTC)


def a_park() -> Park:
    park = Park.register("p1", "g1", "IC Park", ParkType.INCUBATOR, ["C39"], AT)
    park.list_unit("u1", "A", 1, "A-1", UnitType.OFFICE, Decimal("120.50"), AT)
    park.events.clear()
    return park


def test_a_park_round_trips_through_its_stored_form() -> None:
    park = a_park()
    doc = {"_id": "p1", "_version": 7, **park_fields(park)}
    assert set(doc) == {"_id", "_version", "group_id", "name", STATE}
    assert park_of(doc) == park.model_copy(update={"version": 7})


def test_documents_in_the_earlier_plain_layout_are_still_read() -> None:
    park = a_park()
    legacy = {"_id": "p1", "_version": 3, **park.model_dump(mode="json", exclude={"park_id", "version"})}
    assert park_of(legacy).units["u1"].area_m2 == Decimal("120.50")
    assert park_of(legacy).version == 3
