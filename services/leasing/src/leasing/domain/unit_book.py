"""A unit's book: the periods leases hold it for, and whether it is under renovation. One small aggregate
per unit, so its version is the compare-and-set that keeps two leases off one unit on one day ("a
unit-period claim") without touching the rest of the park (ADR 14).

A period is an index of the lease that claimed it, written before the lease itself: the lease's own
aggregate (`leasing.domain.lease_file.LeaseFile`) is the truth of its term. A claim therefore looks up the
leases behind the periods in its way first (`Truth`): a lease that ended early (terminated) holds only
its days, and a claim whose lease was never written (its writer failed or died before it) holds nothing
once it is `ABANDONED_AFTER` old. Methods record no events: a unit's events go with its lease or with
the park."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from parkops_contracts.base import Event
from parkops_kernel.errors import Conflict
from parkops_kernel.recording import RecordsEvents
from pydantic import BaseModel, Field

ABANDONED_AFTER = timedelta(seconds=60)  # far longer than a sign takes between its claims and its lease


class Period(BaseModel):
    lease_id: str
    renewal_of: str | None = None  # a renewal's file may be missing: the renewed lease's file keeps it
    tenant_id: str
    starts_on: date
    last_day: date
    claimed_at: datetime

    def overlaps(self, first: date, last: date) -> bool:
        return self.starts_on <= last and first <= self.last_day


@dataclass(frozen=True)
class Truth:
    """What the leases behind a book's periods say, looked up before a claim: each existing lease's
    days (`held`), and the leases whose claims were abandoned (`abandoned`). A period of a lease in
    neither (a claim made since the look-up) holds its days as claimed."""

    held: dict[str, tuple[date, date]]
    abandoned: frozenset[str]


class UnitBook(RecordsEvents[Event]):
    park_id: str
    unit_id: str
    renovating: bool = False
    periods: list[Period] = Field(default_factory=list)

    @classmethod
    def open(cls, park_id: str, unit_id: str) -> "UnitBook":
        return cls(park_id=park_id, unit_id=unit_id)

    def lease_ids(self) -> list[str]:
        return [p.lease_id for p in self.periods]

    def claim(self, period: Period, truth: Truth) -> None:
        """Hold the unit for `period`'s lease, unless it is under renovation or another lease holds a
        day of it (409 naming that lease). Claiming again for the same lease changes nothing."""
        self._settle(truth)
        if any(p.lease_id == period.lease_id for p in self.periods):
            return
        if self.renovating:
            raise Conflict(f"unit {self.unit_id} is under renovation")
        clash = next((p for p in self.periods if p.overlaps(period.starts_on, period.last_day)), None)
        if clash:
            raise Conflict(
                f"unit {self.unit_id} is not available from {period.starts_on} to {period.last_day}: lease "
                f"{clash.lease_id} of tenant {clash.tenant_id} holds it from {clash.starts_on} to "
                f"{clash.last_day}"
            )
        self.periods.append(period)

    def release(self, lease_id: str) -> None:
        """Give up a claim whose lease was not written (a later unit refused it, or the lease did)."""
        self.periods = [p for p in self.periods if p.lease_id != lease_id]

    def hold_until(self, lease_id: str, last_day: date) -> None:
        """The lease ends early (terminated): it holds the unit only to `last_day`."""
        for p in self.periods:
            if p.lease_id == lease_id:
                p.last_day = min(p.last_day, last_day)

    def start_renovation(self, today: date, truth: Truth) -> None:
        """Off the market from today: refused while a lease holds today (409 naming its tenant). A book
        already marked is no refusal: the park's own mark decides (an earlier attempt of the same request
        may have marked the book and not yet the park)."""
        self._settle(truth)
        holder = next((p for p in self.periods if p.overlaps(today, today)), None)
        if holder:
            raise Conflict(
                f"unit {self.unit_id} is occupied by tenant {holder.tenant_id}; renovate it once it is vacant"
            )
        self.renovating = True

    def adopt(self, period: Period) -> None:
        """Index a lease stored before units had books (a park migrated from one document): its claim
        was checked when it was signed."""
        if period.lease_id not in self.lease_ids():
            self.periods.append(period)

    def _settle(self, truth: Truth) -> None:
        """Bring the periods in line with their leases: abandoned claims go, early ends are kept."""
        self.periods = [p for p in self.periods if p.lease_id not in truth.abandoned]
        for p in self.periods:
            if p.lease_id in truth.held:
                p.starts_on, p.last_day = truth.held[p.lease_id]
