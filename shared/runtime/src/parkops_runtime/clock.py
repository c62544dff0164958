"""The one clock of every service: a function returning an aware UTC datetime.

Composition roots take it as `create_app(settings, clock=...)` and hand it to whatever stamps or dates
anything, so a test (or a replay) pins "now" instead of depending on the host's wall clock. The business
date of a request that names none is `clock().date()` in UTC, never the host's local date."""

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def today(clock: Clock) -> date:
    """The UTC business date `clock` is at."""
    return clock().astimezone(UTC).date()
