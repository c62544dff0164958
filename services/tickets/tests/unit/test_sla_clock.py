from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parkops_kernel.errors import Unprocessable
from tickets.domain.calendar import ALWAYS, OpeningHours, SlaCalendar
from tickets.domain.catalog import TicketCategory, TicketPriority

from .factory import OFFICE, park_sla

MONDAY_UTC_MIDNIGHT = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=30 * 24 * 3600).map(lambda s: timedelta(seconds=s))
calendars = st.sampled_from([ALWAYS, OFFICE, SlaCalendar(timezone="Europe/Berlin", hours=OFFICE.hours)])


def test_around_the_clock_is_wall_clock_time() -> None:
    start = MONDAY_UTC_MIDNIGHT
    assert ALWAYS.add(start, timedelta(hours=2)) == start + timedelta(hours=2)
    assert ALWAYS.elapsed(start, start + timedelta(days=3)) == timedelta(days=3)


def test_the_clock_pauses_outside_business_hours_and_on_holidays() -> None:
    # Tuesday 17:00 local (09:00 UTC) + 2 h of open time: 1 h on Tuesday, 1 h from Wednesday 09:00.
    tuesday_17 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert OFFICE.add(tuesday_17, timedelta(hours=2)) == datetime(2026, 11, 4, 2, 0, tzinfo=UTC)
    # Opened on the Monday holiday: the clock starts on Tuesday 09:00 local (01:00 UTC).
    assert OFFICE.add(MONDAY_UTC_MIDNIGHT, timedelta(hours=1)) == datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    # The lunch break does not count.
    noon = datetime(2026, 11, 3, 3, 30, tzinfo=UTC)  # 11:30 local
    assert OFFICE.elapsed(noon, noon + timedelta(hours=2)) == timedelta(hours=1)


def test_park_calendar_applies_only_to_the_categories_that_use_it() -> None:
    sla = park_sla(calendar=OFFICE, business_hours_categories=[TicketCategory.CLEANING])
    at = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    repair = sla.due_times(TicketCategory.REPAIR, TicketPriority.NORMAL, at)
    cleaning = sla.due_times(TicketCategory.CLEANING, TicketPriority.NORMAL, at)
    assert repair.response == at + timedelta(hours=2)
    assert cleaning.response == datetime(2026, 11, 4, 2, 0, tzinfo=UTC)


def test_a_calendar_with_no_open_time_refuses_to_compute_a_due_time() -> None:
    closed_forever = SlaCalendar(hours=(OpeningHours(weekday=0, opens=0, closes=60),))
    closed = closed_forever.model_copy(
        update={"holidays": frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(600))}
    )
    with pytest.raises(Unprocessable):
        closed.add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=2))


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        SlaCalendar(timezone="Mars/Olympus")


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, start=instants, duration=durations)
def test_elapsed_time_to_a_due_time_is_the_target(
    calendar: SlaCalendar, start: datetime, duration: timedelta
) -> None:
    due = calendar.add(start, duration)
    assert due >= start
    assert calendar.elapsed(start, due) == duration


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, a=instants, b=instants, c=instants)
def test_elapsed_is_additive_and_never_more_than_wall_clock(
    calendar: SlaCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    assert calendar.elapsed(a, c) == calendar.elapsed(a, b) + calendar.elapsed(b, c)
    assert timedelta(0) <= calendar.elapsed(a, c) <= c - a


@settings(max_examples=200, deadline=None)
@given(start=instants, shorter=durations, longer=durations)
def test_a_longer_target_is_never_due_earlier(start: datetime, shorter: timedelta, longer: timedelta) -> None:
    shorter, longer = sorted((shorter, longer))
    assert OFFICE.add(start, shorter) <= OFFICE.add(start, longer)


def test_a_target_that_runs_out_at_closing_time_is_due_at_closing_time() -> None:
    # Tuesday 17:00 local + 1 h of open time: due at 18:00 local that day, not at Wednesday's opening.
    tuesday_17 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert OFFICE.add(tuesday_17, timedelta(hours=1)) == datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    # Opened at closing time: the clock starts at the next opening (Wednesday 09:00 local).
    tuesday_18 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert OFFICE.add(tuesday_18, timedelta(minutes=30)) == datetime(2026, 11, 4, 1, 30, tzinfo=UTC)


def test_no_open_time_to_run_is_due_at_once_even_while_closed() -> None:
    saturday = datetime(2026, 11, 7, 12, 0, tzinfo=UTC)
    assert OFFICE.add(saturday, timedelta(0)) == saturday
    assert OFFICE.elapsed(saturday, saturday) == timedelta(0)


def test_a_park_far_west_of_utc_counts_its_own_local_business_day() -> None:
    # Honolulu (UTC-10), Monday 09:00-17:00 local = 19:00-03:00 UTC: Monday's hours end on Tuesday UTC.
    honolulu = SlaCalendar(
        timezone="Pacific/Honolulu", hours=(OpeningHours(weekday=0, opens=540, closes=1020),)
    )
    monday_16_local = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    assert honolulu.add(monday_16_local, timedelta(hours=1)) == datetime(2026, 11, 3, 3, 0, tzinfo=UTC)
    assert honolulu.add(monday_16_local, timedelta(hours=2)) == datetime(2026, 11, 9, 20, 0, tzinfo=UTC)


def test_a_calendar_without_open_time_names_the_calendar_as_the_field_at_fault() -> None:
    never = SlaCalendar(hours=(OpeningHours(weekday=0, opens=0, closes=60),)).model_copy(
        update={"holidays": frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(600))}
    )
    with pytest.raises(Unprocessable, match="no open time within ten years") as refused:
        never.add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(minutes=1))
    assert refused.value.field == "calendar"
