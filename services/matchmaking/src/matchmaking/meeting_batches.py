"""Meeting batches as jobs: a meeting planned in the background (202), its progress read from any
replica, for a park whose open needs take longer to rank than a request should.

The batch is the store's (`MeetingBatch`, one document per meeting, `_id` the meeting's id), so every
replica reads the same state and progress, and starting it twice under one Idempotency-Key is one batch;
claiming, reporting as its runner and failing are the runtime's (`parkops_runtime.jobs`). The planning is
the synchronous call's (`MatchmakingService.plan`): needs ranked in slices with the event loop free
between them (`parkops_runtime.slices`), so requests, health and the consumers' heartbeats of this
process keep being served while it runs; its progress is stored after each slice of needs and every
`PROPOSALS_PER_REPORT` proposals. The meeting it writes keeps the key's answer, so the synchronous call
with the same key answers that meeting, and a batch taken over writes the same proposals and meeting."""

from functools import partial

from parkops_kernel.errors import NotFound
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock
from parkops_runtime.jobs import JobRunner

from matchmaking.domain import commands as cmd
from matchmaking.domain.meeting_batch import MeetingBatch
from matchmaking.schemas import MeetingBatchPublic
from matchmaking.service import MatchmakingService, meeting_named


class Reported:
    """A batch's planning progress, stored on its job as its runner."""

    def __init__(self, jobs: JobRunner[MeetingBatch], meeting_id: str, clock: Clock) -> None:
        self._jobs, self._id, self._clock = jobs, meeting_id, clock

    async def started(self, needs: int) -> None:
        await self._jobs.report(self._id, partial(MeetingBatch.start, total=needs, now=self._clock()))

    async def advanced(self, needs: int, proposals: int) -> None:
        change = partial(MeetingBatch.advance, needs=needs, proposals=proposals, now=self._clock())
        await self._jobs.report(self._id, change)


class MeetingBatches:
    def __init__(
        self,
        batches: AggregateStore[MeetingBatch],
        service: MatchmakingService,
        clock: Clock,
        *,
        at_once: int = 1,
    ) -> None:
        # one at a time by default: a batch is CPU (ranking) on this process's one event loop
        self._jobs = JobRunner(batches, clock, at_once=at_once)
        self._service, self._clock = service, clock

    async def start(
        self, access: ParkAccess, command: cmd.PlanMeeting, key: str | None
    ) -> MeetingBatchPublic:
        """The batch of this request: new, joined (same key), or taken over (failed or stalled)."""
        meeting_id, request = meeting_named(access, command, key)
        if (found := await self._jobs.get(meeting_id)) is not None:
            found.asked_by(request)
        now = self._clock()
        new = lambda: MeetingBatch(  # noqa: E731
            meeting_id=meeting_id,
            park_id=access.park_id,
            group_id=access.group_id,
            title=command.title,
            held_on=command.held_on,
            request=request,
            created_at=now,
            updated_at=now,
        )
        run = partial(self._run, access.park_id, access.group_id, meeting_id, command, key)
        return MeetingBatchPublic.model_validate(
            await self._jobs.start(meeting_id, new, run), from_attributes=True
        )

    async def get(self, access: ParkAccess, meeting_id: str) -> MeetingBatchPublic:
        found = await self._jobs.get(meeting_id)
        if found is None or (found.group_id, found.park_id) != (access.group_id, access.park_id):
            raise NotFound(f"meeting batch {meeting_id} not found")
        return MeetingBatchPublic.model_validate(found, from_attributes=True)

    async def wait(self) -> None:
        """Until the batches this process is running have ended (tests, benchmarks, shutdown)."""
        await self._jobs.wait()

    async def _run(
        self, park_id: str, group_id: str, meeting_id: str, command: cmd.PlanMeeting, key: str | None
    ) -> None:
        progress = Reported(self._jobs, meeting_id, self._clock)
        await self._service.plan(park_id, group_id, meeting_id, command, key=key, progress=progress)
        await self._jobs.report(meeting_id, partial(MeetingBatch.succeed, now=self._clock()))
