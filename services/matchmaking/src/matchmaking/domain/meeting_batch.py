"""A meeting batch as a job (`parkops_kernel.jobs`: state, progress, who runs it): the planning of one
meeting, its needs ranked in slices and its proposals written, in the background.

The batch is named by the meeting it plans: with an Idempotency-Key, the meeting's id comes from the key
(as in the synchronous call), so starting it again joins the one batch, and a failed or stalled one is
taken over by the next start; the same key with another request is a conflict. Without a key every
start is a new meeting, so a new batch."""

from datetime import date, datetime

from parkops_kernel.errors import Conflict
from parkops_kernel.jobs import Job
from pydantic import Field


class MeetingBatch(Job):
    meeting_id: str
    park_id: str
    group_id: str
    title: str
    held_on: date
    request: str | None = Field(default=None, description="Digest of the keyed request that started it.")
    done: int = Field(default=0, description="Open needs ranked so far.")
    total: int = Field(default=0, description="Open needs of the park when the batch started.")
    proposals: int = Field(default=0, description="Proposals of the meeting written so far.")

    def asked_by(self, request: str | None) -> None:
        """A start under the key of this batch asks the same as the one that started it."""
        if self.request is not None and request != self.request:
            raise Conflict("the Idempotency-Key was used with another request")

    def start(self, total: int, now: datetime) -> None:
        super().start(total, now)
        self.proposals = 0

    def advance(self, needs: int, proposals: int, now: datetime) -> None:
        self.progress(needs, now)
        self.proposals += proposals
