import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from kpi.projections import Projections, event_id_of
from parkops_contracts.base import Event

from services.kpi.tests.unit.kpi_facts import scenario

T = datetime(2026, 11, 1, tzinfo=UTC)


def facts(events: list[Event]) -> list[dict[str, object]]:
    return [
        {
            "_id": f"/parkops/x#id{i}",
            "type": e.ce_type(),
            "park_id": e.park_id,
            "time": T.isoformat(),
            "data": e.model_dump_json(),
        }
        for i, e in enumerate(events)
    ]


async def stream(items: list[dict[str, object]]) -> AsyncIterator[dict[str, object]]:
    for item in items:
        yield item


async def test_the_projections_loaded_from_stored_facts_equal_the_live_ones() -> None:
    events = [e.model_copy(update={"park_id": p}) for p in ("a", "b") for e in scenario()]
    live = Projections()
    live.apply_all((e, T, f"id{i}") for i, e in enumerate(events))
    loaded = Projections()
    assert await loaded.load(stream(facts(events)[::-1])) == len(events)  # any order
    for park in ("a", "b"):
        assert loaded.ledger(park) == live.ledger(park)
        assert loaded.park(park) == live.park(park)
    assert loaded.ledger("c") is None
    assert json.loads(facts(events[:1])[0]["data"])["park_id"] == "a"  # type: ignore[arg-type]


def test_the_event_id_is_the_part_after_the_source() -> None:
    assert event_id_of("/parkops/leasing#abc123") == "abc123"
