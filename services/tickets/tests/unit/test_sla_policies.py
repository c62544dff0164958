"""The default SLA table, overrides and auto-close delay, as the service README states them (the
expected hours are written out here, not read from the production table)."""

from datetime import timedelta

import pytest
from tickets.domain.catalog import TicketCategory, TicketPriority
from tickets.domain.sla import ParkSla, PolicyOverride, SlaPolicy

from .factory import OFFICE, T0, park_sla

C, P = TicketCategory, TicketPriority
H = 3600
S = timedelta(seconds=1)
OTHER = {P.EMERGENCY: (0.25, 4), P.HIGH: (1, 24), P.NORMAL: (4, 72), P.LOW: (8, 168)}
README_TABLE = {  # hours: response / resolution
    C.REPAIR: {P.EMERGENCY: (0.5, 4), P.HIGH: (1, 24), P.NORMAL: (2, 48), P.LOW: (2, 120)},
    C.CLEANING: {P.EMERGENCY: (0.5, 2), P.HIGH: (1, 6), P.NORMAL: (2, 12), P.LOW: (4, 24)},
    C.SECURITY: {P.EMERGENCY: (0.1, 1), P.HIGH: (0.25, 4), P.NORMAL: (1, 24), P.LOW: (4, 72)},
    C.IT: OTHER,
    C.MEETING_ROOM: OTHER,
    C.COMPLAINT: OTHER,
}


@pytest.mark.parametrize("category", list(TicketCategory))
@pytest.mark.parametrize("priority", list(TicketPriority))
def test_default_policy_is_the_readme_table(category: TicketCategory, priority: TicketPriority) -> None:
    response_h, resolution_h = README_TABLE[category][priority]
    sla = ParkSla.default("p9", "g9")
    assert (sla.park_id, sla.group_id, sla.overrides) == ("p9", "g9", ())
    policy = sla.policy(category, priority)
    assert (policy.response_seconds, policy.resolution_seconds) == (response_h * H, resolution_h * H)
    due = sla.due_times(category, priority, T0)  # 24/7 by default
    assert (due.response, due.resolution) == (T0 + response_h * H * S, T0 + resolution_h * H * S)


def test_an_override_replaces_only_its_own_cell() -> None:
    fast = SlaPolicy(response_seconds=60, resolution_seconds=600)
    sla = park_sla(overrides=[PolicyOverride(category=C.REPAIR, priority=P.LOW, policy=fast)])
    assert sla.policy(C.REPAIR, P.LOW) == fast
    assert sla.policy(C.REPAIR, P.NORMAL).response_seconds == 2 * H
    assert sla.policy(C.CLEANING, P.LOW).response_seconds == 4 * H


def test_auto_close_runs_seven_days_after_resolution_unless_the_park_says_otherwise() -> None:
    assert ParkSla.default("p1", "g1").auto_close_at(T0) == T0 + timedelta(days=7)
    assert park_sla(auto_close_days=3).auto_close_at(T0) == T0 + timedelta(days=3)


def test_only_the_chosen_categories_run_on_the_park_calendar() -> None:
    sla = park_sla(calendar=OFFICE, business_hours_categories=[C.CLEANING])
    assert sla.calendar_for(C.CLEANING) == OFFICE
    assert sla.calendar_for(C.REPAIR).always_open
