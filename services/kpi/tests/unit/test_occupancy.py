"""Occupancy on a day from leasing's `UnitOccupied` spans (hand-computed)."""

import random
from datetime import date
from decimal import Decimal

from kpi.domain.occupancy import OccupancyOn
from parkops_contracts.base import Event

from services.kpi.tests.unit.kpi_facts import occupied, tenant, unit
from services.kpi.tests.unit.test_measures import fold, published

D = Decimal


def on(events: list[Event], day: date) -> OccupancyOn:
    ledger = fold(events)
    return OccupancyOn.of(ledger.units, ledger.occupancy, day)


def park() -> list[Event]:
    return [
        unit("u1", "100"),
        unit("u2", "300"),
        unit("u3", "100", listed=date(2026, 7, 1)),
        tenant("t0", ["u1"], "100", date(2026, 1, 1)),  # onboarded without a lease: occupies nothing
        occupied("l1", "u2", "t1", "300", date(2026, 1, 1), date(2026, 12, 31)),
        occupied("l2", "u3", "t2", "100", date(2026, 7, 1), date(2026, 9, 30)),
    ]


def test_occupancy_on_a_day_is_the_area_the_spans_cover_over_the_area_listed() -> None:
    june = on(park(), date(2026, 6, 1))
    assert (june.area_total_m2, june.area_occupied_m2) == (D("400.00"), D("300.00"))  # u3 not listed yet
    assert (june.by_area, june.by_count, june.tenants) == (D("0.7500"), D("0.5000"), 1)
    august = on(park(), date(2026, 8, 1))
    assert (august.by_area, august.by_count, august.tenants) == (D("0.8000"), D("0.6667"), 2)  # 400 / 500
    october = on(park(), date(2026, 10, 1))  # l2 ran out on 30 September: u3 free the next day
    assert october.by_area == D("0.6000")  # 300 / 500
    assert on(park(), date(2026, 9, 30)).by_area == D("0.8000")


def test_a_termination_republishes_the_span_and_the_latest_holds() -> None:
    ended = [*park(), occupied("l1", "u2", "t1", "300", date(2026, 1, 1), date(2026, 3, 31))]
    assert on(ended, date(2026, 3, 31)).by_area == D("0.7500")
    assert on(ended, date(2026, 4, 1)).by_area == D("0.0000")  # u2 freed the day after
    ledger = fold(ended)
    for seed in range(10):  # delivered in any order, the one published last holds
        shuffled = list(enumerate(ended))
        random.Random(seed).shuffle(shuffled)
        again = type(ledger)("p1", "g1")
        for i, event in shuffled:
            again.apply(event, f"e{i}", published(i))
        assert again == ledger


def test_an_empty_park_has_zero_occupancy() -> None:
    empty = on([], date(2026, 1, 1))
    assert (empty.by_area, empty.by_count, empty.tenants) == (D(0), D(0), 0)
