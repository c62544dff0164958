"""A billing run of one park and period as a job: its state, its progress, who runs it.

A park's period is billed by one run: starting it again while it is queued or running joins it, and
once it succeeded answers it as it ended (a later period, or the synchronous billing call, bills what
was signed since). A run that failed, or whose runner stopped reporting progress for `STALE_AFTER`
(its process died), is taken by the next start. The leases are billed in slices, each slice one change
of the books, so a long run never holds the books (or the process) for long; billing a lease month is
itself once only (`finance.domain.billing`), so a slice billed again by a taker changes nothing."""

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

STALE_AFTER = timedelta(seconds=60)


class RunTaken(Exception):
    """The run passed to another runner."""


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class BillingRun(BaseModel):
    park_id: str
    group_id: str
    period: str = Field(description="YYYY-MM")
    state: RunState = RunState.QUEUED
    runner: str | None = Field(default=None, description="The process running it (queued: will run).")
    done: int = Field(default=0, description="Leases billed so far.")
    total: int = Field(default=0, description="Leases of the park when the run started.")
    invoices: int = Field(default=0, description="Invoices issued so far.")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    @property
    def cause(self) -> str:
        """The audit cause of every entry and event the run makes."""
        return f"billing-run:{self.park_id}/{self.period}"

    def claim(self, runner: str, now: datetime) -> bool:
        """True when `runner` must run it now: new, failed, or left by a runner that stopped."""
        held = self.runner is not None and self.updated_at >= now - STALE_AFTER
        if self.state is RunState.SUCCEEDED or (self.state is not RunState.FAILED and held):
            return False
        self.state, self.runner, self.error, self.updated_at = RunState.QUEUED, runner, None, now
        return True

    def ran_by(self, runner: str) -> None:
        """Only its runner reports on it: another process took it (this one stalled past STALE_AFTER)."""
        if self.runner != runner:
            raise RunTaken(f"billing run {self.park_id}/{self.period} is run by {self.runner}")

    def start(self, total: int, now: datetime) -> None:
        self.state, self.total, self.done, self.invoices = RunState.RUNNING, total, 0, 0
        self.started_at, self.finished_at, self.updated_at = now, None, now

    def advance(self, leases: int, invoices: int, now: datetime) -> None:
        self.done, self.invoices, self.updated_at = self.done + leases, self.invoices + invoices, now

    def succeed(self, now: datetime) -> None:
        self.state, self.finished_at, self.updated_at = RunState.SUCCEEDED, now, now

    def fail(self, reason: str, now: datetime) -> None:
        self.state, self.error, self.finished_at, self.updated_at = RunState.FAILED, reason, now, now

    @property
    def finished(self) -> bool:
        return self.state in (RunState.SUCCEEDED, RunState.FAILED)
