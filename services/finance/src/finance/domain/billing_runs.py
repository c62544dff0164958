"""A billing run of one park and period as a job (`parkops_kernel.jobs`: state, progress, who runs it).

A park's period is billed by one run: starting it again while it is queued or running joins it, and
once it succeeded answers it as it ended (a later period, or the synchronous billing call, bills what
was signed since). A run that failed, or whose runner stopped reporting progress for `STALE_AFTER`
(its process died), is taken by the next start. The leases are billed in slices, each slice one change
of the books, so a long run never holds the books (or the process) for long; billing a lease month is
itself once only (`finance.domain.billing`), so a slice billed again by a taker changes nothing."""

from datetime import datetime

from parkops_kernel.jobs import STALE_AFTER, Job, JobState, JobTaken
from pydantic import Field

__all__ = ["STALE_AFTER", "BillingRun", "RunState", "RunTaken"]
RunTaken = JobTaken
RunState = JobState


class BillingRun(Job):
    park_id: str
    group_id: str
    period: str = Field(description="YYYY-MM")
    done: int = Field(default=0, description="Leases billed so far.")
    total: int = Field(default=0, description="Leases of the park when the run started.")
    invoices: int = Field(default=0, description="Invoices issued so far.")

    @property
    def cause(self) -> str:
        """The audit cause of every entry and event the run makes."""
        return f"billing-run:{self.park_id}/{self.period}"

    def start(self, total: int, now: datetime) -> None:
        super().start(total, now)
        self.invoices = 0

    def advance(self, leases: int, invoices: int, now: datetime) -> None:
        self.progress(leases, now)
        self.invoices += invoices
