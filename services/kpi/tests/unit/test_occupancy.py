from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from kpi.domain.occupancy import ParkOccupancy
from parkops_contracts.base import Event
from parkops_contracts.events.leasing import ParkRegistered, ParkType, TenantOnboarded, UnitListed, UnitType

T0 = datetime(2026, 11, 1, tzinfo=UTC)
IDS = {"park_id": "p1", "group_id": "g1"}


def unit(unit_id: str, area: str) -> UnitListed:
    return UnitListed(
        **IDS,
        unit_id=unit_id,
        building="A",
        floor=1,
        unit_number=unit_id,
        unit_type=UnitType.OFFICE,
        area_m2=Decimal(area),
        listed_at=T0,
    )


def tenant(tenant_id: str, unit_ids: list[str], area: str) -> TenantOnboarded:
    return TenantOnboarded(
        **IDS,
        tenant_id=tenant_id,
        name="x",
        credit_code="91350100M000100Y43",
        industry_code="C39",
        in_leading_industry=True,
        high_tech=False,
        founded_on=date(2020, 1, 1),
        headcount=5,
        unit_ids=unit_ids,
        leased_area_m2=Decimal(area),
        onboarded_at=T0,
    )


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
            unit("u1", "100"),
            unit("u2", "300"),
            unit("u3", "100"),
            tenant("t1", ["u2"], "300"),
        ]
    )
    assert park.name == "P"
    assert park.occupancy_by_area == Decimal("0.6000")
    assert park.occupancy_by_count == Decimal("0.3333")
    assert park.events_applied == 5
    assert park.as_of == T0 + timedelta(minutes=4)


def test_the_fold_does_not_depend_on_arrival_order() -> None:
    events: list[Event] = [unit("u1", "100"), unit("u2", "300"), tenant("t1", ["u2"], "300")]
    forward, backward = fold(events), fold(list(reversed(events)))
    assert (forward.occupancy_by_area, forward.occupancy_by_count) == (
        backward.occupancy_by_area,
        backward.occupancy_by_count,
    )


def test_an_empty_park_has_zero_occupancy() -> None:
    park = fold([])
    assert park.occupancy_by_area == Decimal(0)
    assert park.occupancy_by_count == Decimal(0)
