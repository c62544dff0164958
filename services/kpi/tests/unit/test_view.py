"""kpi's replicated view: every replica folds every event, so a fold must be order-free and a second
delivery of an event must change nothing; a snapshot restores the same answers."""

import pickle
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from kpi.domain.ledger import ParkLedger
from kpi.domain.terms import terms_contract
from kpi.projections import Projections
from kpi.view import FORMAT, KpiView
from parkops_contracts.base import Event
from parkops_contracts.envelope import CloudEventMeta
from parkops_contracts.events.kpi import KpiTermsChanged
from parkops_runtime.consumer import Delivery
from parkops_runtime.snapshots import CorruptSnapshot

from services.kpi.tests.unit.kpi_facts import scenario

T = datetime(2026, 11, 1, tzinfo=UTC)


def delivered(events: list[Event], ids: list[str] | None = None) -> list[Delivery]:
    ids = ids or [f"id{i}" for i in range(len(events))]
    return [
        Delivery(CloudEventMeta(id=i, source="/parkops/x", type=e.ce_type(), time=T), e, {}, "t", 0, n)
        for n, (e, i) in enumerate(zip(events, ids, strict=True))
    ]


def terms_changed(at: datetime, change: str = "agreement", group: str = "g1") -> KpiTermsChanged:
    return KpiTermsChanged(
        park_id="p1",
        group_id=group,
        terms=terms_contract({}, None),
        change=change,
        changed_by="ada",
        changed_at=at,
    )


def test_a_view_folded_in_any_order_and_twice_equals_one_folded_once() -> None:
    events = [e.model_copy(update={"park_id": p}) for p in ("a", "b") for e in scenario()]
    events.append(terms_changed(T))
    once = KpiView()
    once.fold(delivered(events))
    again = KpiView()
    twice = delivered(events)
    again.fold(twice[::-1])
    again.fold(twice)  # every event delivered a second time (a relay that republished them)
    for park in ("a", "b"):
        assert again.projections.ledger(park, "g1") == once.projections.ledger(park, "g1")
        assert again.projections.park(park, "g1") == once.projections.park(park, "g1")
        assert once.projections.park(park, "g1").events_applied == len(scenario())
    assert again.terms.get("p1", "g1") == once.terms.get("p1", "g1")
    assert len(once.terms.get("p1", "g1").changes) == 1
    assert once.projections.ledger("c", "g1") == ParkLedger("c", "g1")  # no facts: an empty ledger


def test_a_restored_snapshot_answers_what_the_view_did() -> None:
    view = KpiView()
    view.fold(delivered([*scenario(), terms_changed(T)]))
    restored = KpiView()
    restored.fold(delivered(scenario()[:2], ["x0", "x1"]))  # what it held before is replaced
    restored.restore(view.dump())
    assert restored.projections.ledger("p1", "g1") == view.projections.ledger("p1", "g1")
    assert restored.projections.park("p1", "g1") == view.projections.park("p1", "g1")
    assert restored.terms.get("p1", "g1") == view.terms.get("p1", "g1")
    restored.fold(delivered(scenario()))  # the tail after the snapshot's offsets may repeat events
    assert restored.projections.park("p1", "g1") == view.projections.park("p1", "g1")


def test_a_snapshot_it_cannot_read_is_refused_so_the_view_is_rebuilt_from_the_log() -> None:
    view = KpiView()
    with pytest.raises(CorruptSnapshot):
        view.restore(b"something else")
    with pytest.raises(CorruptSnapshot, match=r"holds no .*system"):  # only kpi's own classes are built
        view.restore(FORMAT + pickle.dumps(__import__("os").system))
    with pytest.raises(CorruptSnapshot, match=r"holds no kpi.view.pickle.loads"):  # no path to a function
        view.restore(FORMAT + b"\x80\x04\x8c\x08kpi.view\x94\x8c\x0cpickle.loads\x94\x93\x94.")
    with pytest.raises(CorruptSnapshot, match=r"holds no kpi.view.pickle"):  # nor to a module it imports
        view.restore(FORMAT + b"\x80\x04\x8c\x08kpi.view\x94\x8c\x06pickle\x94\x93\x94.")
    with pytest.raises(CorruptSnapshot):
        view.restore(FORMAT + b"\x80\x05truncated")


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


def test_terms_folded_are_the_latest_change_and_an_older_one_changes_nothing() -> None:
    view = KpiView()
    later = T.replace(day=2)
    view.fold(delivered([terms_changed(later, "target:occupancy_rate"), terms_changed(T)], ["a", "b"]))
    assert [c["what"] for c in view.terms.get("p1", "g1").changes] == ["target occupancy_rate"]
    assert view.terms.get("p1", "g2").changes == []


def hex_ids(n: int, salt: str = "a") -> list[str]:
    return [f"{salt}{i:031x}" for i in range(n)]


def test_a_counted_fact_repeated_after_the_recent_ids_are_gone_still_counts_once() -> None:
    """A relay may republish long after: lines, resolutions and ratings are found under their event id
    (hex ids, as the services make them, and other ids alike), not only among the recent ids."""
    events = scenario()
    for ids in (hex_ids(len(events)), [f"x{i}" for i in range(len(events))]):
        once = KpiView()
        once.fold(delivered(events, ids))
        later = KpiView()
        later.fold(delivered(events, ids))
        later.recent.clear()  # as if thousands of other events came in between
        later.fold(delivered(events, ids))
        # a fact keyed by what it describes (a unit, a lease) is stored again as it was: only the
        # ledger's version, the scorecards' cache key, moves on
        again, first = later.projections.ledger("p1", "g1"), once.projections.ledger("p1", "g1")
        assert replace(again, version=0) == replace(first, version=0)
        for period in ("2026", "2026-05", "2026-11"):
            assert values_of(later, period) == values_of(once, period)


def values_of(view: KpiView, period: str) -> dict[str, object]:
    from kpi.domain.periods import parse_period
    from kpi.domain.scoring import measures

    found = measures(view.projections.ledger("p1", "g1"), parse_period(period))
    return {k: (m.value, m.counts, m.event_ids) for k, m in found.items()}


def test_a_snapshot_restores_what_a_rebuild_from_the_log_folds() -> None:
    events = [e.model_copy(update={"park_id": p}) for p in ("p1", "p2") for e in scenario()]
    ids = hex_ids(len(events))
    built = KpiView()
    built.fold(delivered(events, ids))
    half = KpiView()
    half.fold(delivered(events[:30], ids[:30]))
    restored = KpiView()
    restored.restore(half.dump())
    restored.fold(delivered(events[30:], ids[30:]))  # the tail after the snapshot
    assert restored.projections.ledger("p1", "g1") == built.projections.ledger("p1", "g1")
    assert restored.projections.ledger("p2", "g1") == built.projections.ledger("p2", "g1")
    assert restored.projections.park("p2", "g1") == built.projections.park("p2", "g1")
    for period in ("2026", "2026-Q2", "2026-11-05"):
        assert values_of(restored, period) == values_of(built, period)


def test_a_snapshot_of_the_format_before_is_refused_so_the_view_is_rebuilt() -> None:
    view = KpiView()
    view.fold(delivered(scenario()))
    old = b"kpi-view/2\n" + view.dump()[len(FORMAT) :]
    with pytest.raises(CorruptSnapshot):
        KpiView().restore(old)
