"""SLA calendars: the clock runs 24/7 unless a park sets business hours and holidays.

Outside business hours (and on holidays) the SLA clock pauses: `elapsed` counts only open time and
`add` finds the instant at which a given amount of open time has run. Times are aware datetimes;
business hours are local to the park's time zone."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parkops_kernel.errors import Unprocessable
from pydantic import BaseModel, ConfigDict, Field, model_validator

MINUTES_PER_DAY = 24 * 60
HORIZON_DAYS = 3660  # a target further away than ten years of open time is a configuration error
Interval = tuple[datetime, datetime]


class OpeningHours(BaseModel):
    """Open from `opens` to `closes` (minutes after local midnight) on one weekday (0 = Monday)."""

    model_config = ConfigDict(frozen=True)

    weekday: int = Field(ge=0, le=6)
    opens: int = Field(ge=0, lt=MINUTES_PER_DAY)
    closes: int = Field(gt=0, le=MINUTES_PER_DAY)

    @model_validator(mode="after")
    def _ordered(self) -> "OpeningHours":
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        return self


class SlaCalendar(BaseModel):
    """No `hours` = open around the clock. Otherwise open only in `hours`, never on `holidays`."""

    model_config = ConfigDict(frozen=True)

    timezone: str = "Asia/Shanghai"
    hours: tuple[OpeningHours, ...] = ()
    holidays: frozenset[date] = frozenset()

    @property
    def always_open(self) -> bool:
        return not self.hours

    @model_validator(mode="after")
    def _valid(self) -> "SlaCalendar":
        try:
            ZoneInfo(self.timezone)
        except Exception as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        return self

    def _open_intervals(self, from_day: date) -> Iterator[Interval]:
        """Open intervals in UTC, day by day from `from_day` (local), for at most the horizon."""
        zone = ZoneInfo(self.timezone)
        by_day: dict[int, list[OpeningHours]] = {}
        for h in self.hours:
            by_day.setdefault(h.weekday, []).append(h)
        for offset in range(HORIZON_DAYS):
            day = from_day + timedelta(days=offset)
            if day in self.holidays:
                continue
            midnight = datetime.combine(day, time(0), zone)
            for h in sorted(by_day.get(day.weekday(), []), key=lambda h: h.opens):
                start = (midnight + timedelta(minutes=h.opens)).astimezone(UTC)
                end = (midnight + timedelta(minutes=h.closes)).astimezone(UTC)
                yield start, end

    def _local_day(self, at: datetime) -> date:
        return at.astimezone(ZoneInfo(self.timezone)).date() - timedelta(days=1)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants (zero when `end` is not after `start`)."""
        if end <= start:
            return timedelta(0)
        if self.always_open:
            return end - start
        total = timedelta(0)
        for opens, closes in self._open_intervals(self._local_day(start)):
            if opens >= end:
                break
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of open time has run since `start`."""
        if self.always_open or duration <= timedelta(0):
            return start + max(duration, timedelta(0))
        left = duration
        for opens, closes in self._open_intervals(self._local_day(start)):
            if closes <= start:
                continue
            begin = max(opens, start)
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise Unprocessable("the SLA calendar has no open time within ten years", field="calendar")


ALWAYS = SlaCalendar()
