from datetime import UTC, datetime, timedelta
from decimal import Decimal

from kpi.domain.occupancy import ParkOccupancy
from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, ParkType

from tests.support.events import tenant_onboarded, unit_listed

T0 = datetime(2026, 11, 1, tzinfo=UTC)
IDS = {"park_id": "p1", "group_id": "g1"}


def fold(events: list[Event]) -> ParkOccupancy:
    park = ParkOccupancy("p1", "g1")
    for i, event in enumerate(events):
        park.apply(event, T0 + timedelta(minutes=i))
    return park


def test_occupancy_by_area_and_by_count() -> None:
    park = fold(
        [
            ParkRegistered(
                **IDS, name="P", park_type=ParkType.INCUBATOR, leading_industries=["C39"], registered_at=T0
            ),
            unit_listed("u1", "100"),
            unit_listed("u2", "300"),
            unit_listed("u3", "100"),
            tenant_onboarded("t1", ["u2"], "300"),
        ]
    )
    assert park.name == "P"
    assert park.occupancy_by_area == Decimal("0.6000")
    assert park.occupancy_by_count == Decimal("0.3333")
    assert park.events_applied == 5
    assert park.as_of == T0 + timedelta(minutes=4)


def test_the_fold_does_not_depend_on_arrival_order() -> None:
    events: list[Event] = [
        unit_listed("u1", "100"),
        unit_listed("u2", "300"),
        tenant_onboarded("t1", ["u2"], "300"),
    ]
    forward, backward = fold(events), fold(list(reversed(events)))
    assert (forward.occupancy_by_area, forward.occupancy_by_count) == (
        backward.occupancy_by_area,
        backward.occupancy_by_count,
    )


def test_an_empty_park_has_zero_occupancy() -> None:
    park = fold([])
    assert park.occupancy_by_area == Decimal(0)
    assert park.occupancy_by_count == Decimal(0)
