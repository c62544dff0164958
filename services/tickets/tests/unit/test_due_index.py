import gc
from datetime import timedelta

from parkops_contracts.events.tickets import SlaTarget
from tickets.domain.due_index import (
    AUTO_CLOSE,
    DueEntry,
    DueIndex,
    breach_of,
    dump_entries,
    entries_of,
    load_entries,
)

from .factory import T0, new_ticket

H = timedelta(hours=1)


def entry(ticket_id: str, due_in_hours: int, target: str = "response") -> DueEntry:
    ticket = new_ticket()
    return DueEntry(
        T0 + due_in_hours * H, ticket_id, target, "p1", "g1", ticket.category.value, ticket.priority.value
    )


def test_due_pops_only_what_is_due_earliest_first() -> None:
    index = DueIndex()
    for ticket_id, hours in (("b", 2), ("a", 1), ("c", 5)):
        index.put(entry(ticket_id, hours))
    assert [e.ticket_id for e in index.due(T0 + 3 * H)] == ["a", "b"]
    assert index.due(T0 + 3 * H) == []
    assert len(index) == 1
    assert index.next_due() == T0 + 5 * H


def test_moved_or_dropped_entries_are_not_returned() -> None:
    index = DueIndex()
    index.put(entry("a", 1))
    index.put(entry("a", 10))  # moved later
    index.put(entry("b", 1))
    index.drop("b", "response")
    assert index.due(T0 + 2 * H) == []
    assert [e.due for e in index.due(T0 + 10 * H)] == [T0 + 10 * H]


def test_ticket_entries_skip_claimed_targets_and_add_auto_close_while_unrated() -> None:
    ticket = new_ticket()
    ticket.breaches[SlaTarget.RESPONSE] = T0
    assert [e.target for e in entries_of(ticket)] == ["resolution"]
    ticket.resolve(T0 + H, billable=False, auto_close_at=T0 + 100 * H, acknowledge=True)
    assert [(e.target, e.due) for e in entries_of(ticket)] == [(AUTO_CLOSE, T0 + 100 * H)]
    ticket.rate(5, "", T0 + 2 * H)
    assert entries_of(ticket) == []


def test_breach_event_names_the_target_and_due_time() -> None:
    event = breach_of(entry("a", 1, "resolution"), T0 + 2 * H)
    assert (event.ticket_id, event.target, event.due_at) == ("a", SlaTarget.RESOLUTION, T0 + H)


def test_the_index_stays_out_of_the_garbage_collectors_walks() -> None:
    """Hundreds of thousands of entries: a tracked container among them is walked by every collection."""
    index = DueIndex()
    for n in range(1_000):
        index.put(entry(f"t{n}", n))
    gc.collect()  # what a full collection leaves tracked
    index.put(entry("new-ticket", 5))  # a write after the index was loaded
    assert not gc.is_tracked(index._current)
    assert not any(gc.is_tracked(e) for e in index._heap if e[1] != "new-ticket")


def test_an_empty_index_has_nothing_due_and_dropping_an_unknown_pair_is_harmless() -> None:
    index = DueIndex()
    assert index.next_due() is None
    index.drop("nobody", "response")
    assert index.due(T0 + 100 * H) == []


def test_next_due_skips_moved_entries() -> None:
    index = DueIndex()
    index.put(entry("a", 1))
    index.put(entry("a", 10))  # the 1 h entry is stale now
    index.put(entry("b", 7))
    assert index.next_due() == T0 + 7 * H
    index.drop("b", "response")
    assert index.next_due() == T0 + 10 * H


def test_a_limited_pass_pops_at_most_the_limit() -> None:
    index = DueIndex()
    for ticket_id, hours in (("a", 1), ("b", 2), ("c", 3)):
        index.put(entry(ticket_id, hours))
    assert [e.ticket_id for e in index.due(T0 + 5 * H, limit=2)] == ["a", "b"]
    assert [e.ticket_id for e in index.due(T0 + 5 * H, limit=2)] == ["c"]


def test_replacing_a_ticket_leaves_exactly_its_new_entries() -> None:
    index = DueIndex()
    index.put(entry("a", 1, "response"))
    index.put(entry("a", 2, "resolution"))
    index.put(entry("b", 1, "response"))
    index.replace_ticket("a", [entry("a", 5, "resolution")], ("response", "resolution", AUTO_CLOSE))
    assert len(index) == 2
    assert [(e.ticket_id, e.target, e.due) for e in index.due(T0 + 9 * H)] == [
        ("b", "response", T0 + H),
        ("a", "resolution", T0 + 5 * H),
    ]


def test_ticket_entries_carry_everything_a_breach_event_needs() -> None:
    ticket = new_ticket()  # repair, normal, park p1 of group g1
    assert entries_of(ticket) == [
        DueEntry(T0 + 2 * H, "t1", "response", "p1", "g1", "repair", "normal"),
        DueEntry(T0 + 48 * H, "t1", "resolution", "p1", "g1", "repair", "normal"),
    ]


def test_a_checkpoint_keeps_the_current_entries_and_the_tickets_to_reread() -> None:
    index = DueIndex()
    index.put(entry("a", 1))
    index.put(entry("a", 3))  # moved: the older heap entry is stale and not kept
    index.put(entry("b", 2, "resolution")._replace(due=T0 + timedelta(microseconds=7)))
    index.drop("b", "resolution")
    index.put(entry("c", 2, AUTO_CLOSE))
    restored, dirty = load_entries(dump_entries(index.frozen().entries(), {"d"}))
    assert sorted(restored.frozen().entries()) == sorted(index.frozen().entries())
    assert (len(restored), dirty) == (2, {"d"})
    assert [(e.ticket_id, e.due) for e in restored.due(T0 + 5 * H)] == [("c", T0 + 2 * H), ("a", T0 + 3 * H)]


def test_a_checkpoint_keeps_due_times_to_the_microsecond() -> None:
    index = DueIndex()
    index.put(entry("a", 1)._replace(due=T0 + timedelta(microseconds=123_457)))
    restored, _ = load_entries(dump_entries(index.frozen().entries(), set()))
    assert restored.next_due() == T0 + timedelta(microseconds=123_457)
