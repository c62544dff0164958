import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from kpi.domain.ledger import ParkLedger
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
        assert loaded.ledger(park, "g1") == live.ledger(park, "g1")
        assert loaded.park(park, "g1") == live.park(park, "g1")
        assert loaded.ledger(park, "g1").version == len(scenario())
    assert loaded.ledger("c", "g1") == ParkLedger("c", "g1")  # no facts: an empty ledger
    assert json.loads(facts(events[:1])[0]["data"])["park_id"] == "a"  # type: ignore[arg-type]


def test_the_event_id_is_the_part_after_the_source() -> None:
    assert event_id_of("/parkops/leasing#abc123") == "abc123"


def test_an_event_naming_another_group_for_the_park_counts_only_for_that_group() -> None:
    """Readers get the owner's fold (the directory says which group owns the park); a squatter's is apart."""
    projections = Projections()
    owner = scenario()
    squatter = [e.model_copy(update={"group_id": "g2"}) for e in scenario()[:3]]
    projections.apply_all((e, T, f"id{i}") for i, e in enumerate([*squatter, *owner]))
    alone = Projections()
    alone.apply_all((e, T, f"id{i + len(squatter)}") for i, e in enumerate(owner))
    assert projections.ledger("p1", "g1") == alone.ledger("p1", "g1")
    assert projections.park("p1", "g1") == alone.park("p1", "g1")
    assert projections.ledger("p1", "g2").version == 3
    assert [ledger.park_id for ledger in projections.ledgers_of("g1")] == ["p1"]
