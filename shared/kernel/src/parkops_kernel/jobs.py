"""A long run as a job: one stored document per run identity, its state, its progress, who runs it.

Starting the same run again while it is queued or running joins it; once it succeeded it is answered as
it ended. A run that failed, or whose runner stopped reporting progress for `STALE_AFTER` (its process
died), is taken by the next start. Only the runner that claimed it reports on it, so a runner that
stalled past `STALE_AFTER` and woke up finds it taken and stops (`JobTaken`). Services subclass `Job`
with their run's identity and counts (`parkops_runtime.jobs` runs them)."""

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

STALE_AFTER = timedelta(seconds=60)


class JobTaken(Exception):
    """The job passed to another runner."""


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(BaseModel):
    state: JobState = JobState.QUEUED
    runner: str | None = Field(default=None, description="The process running it (queued: will run).")
    done: int = Field(default=0, description="Items done so far.")
    total: int = Field(default=0, description="Items to do, counted when it started.")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    def claim(self, runner: str, now: datetime) -> bool:
        """True when `runner` must run it now: new, failed, or left by a runner that stopped."""
        held = self.runner is not None and self.updated_at >= now - STALE_AFTER
        if self.state is JobState.SUCCEEDED or (self.state is not JobState.FAILED and held):
            return False
        self.state, self.runner, self.error, self.updated_at = JobState.QUEUED, runner, None, now
        return True

    def ran_by(self, runner: str) -> None:
        """Only its runner reports on it: another process took it (this one stalled past STALE_AFTER)."""
        if self.runner != runner:
            raise JobTaken(f"{type(self).__name__} is run by {self.runner}")

    def start(self, total: int, now: datetime) -> None:
        """Counts start again from zero: a taker redoes what its predecessor did (once-only work)."""
        self.state, self.total, self.done = JobState.RUNNING, total, 0
        self.started_at, self.finished_at, self.updated_at = now, None, now

    def progress(self, done: int, now: datetime) -> None:
        self.done, self.updated_at = self.done + done, now

    def succeed(self, now: datetime) -> None:
        self.state, self.finished_at, self.updated_at = JobState.SUCCEEDED, now, now

    def fail(self, reason: str, now: datetime) -> None:
        self.state, self.error, self.finished_at, self.updated_at = JobState.FAILED, reason, now, now

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)
