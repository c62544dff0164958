"""Long runs as jobs (`parkops_kernel.jobs.Job`): started by a request (202), run in the background on
this process's event loop, their state and progress read from any replica.

The job is the store's (one small document per run identity), so every replica reads the same state and
starting a run twice is one run: `start` claims it in one change of that document and only the
claimer runs it, as a task, at most `at_once` at a time. The run reports through `report`, which
refuses (`JobTaken`) once another process took the job over; an exception ends it failed, with the
reason, so the next start retries it. The run itself yields to the loop between bounded slices
(`parkops_runtime.slices`), so requests, health and the consumers' heartbeats keep being served."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, TypeVar

import structlog
from parkops_kernel.jobs import Job, JobTaken

from parkops_runtime import ids
from parkops_runtime.aggregates import AggregateStore

J = TypeVar("J", bound=Job)
log = structlog.get_logger(__name__)


class JobRunner(Generic[J]):
    def __init__(self, jobs: AggregateStore[J], clock: Callable[[], datetime], *, at_once: int = 2) -> None:
        self._jobs, self._clock = jobs, clock
        self._running = asyncio.Semaphore(at_once)
        self.runner = ids.new_id()  # this process, as the runner it claims jobs as
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, job_id: str, new: Callable[[], J], run: Callable[[], Awaitable[None]]) -> J:
        """The job `job_id` (created by `new` if there is none): claimed and `run` here when it is new,
        failed or abandoned; joined as it is otherwise. Answers a copy, as stored."""
        now = self._clock()

        def claim(job: J) -> tuple[bool, J]:
            return job.claim(self.runner, now), job.model_copy()

        mine, job = await self._jobs.change(job_id, claim, create=new)
        if mine:
            task = asyncio.create_task(self._execute(job_id, run), name=f"job {job_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return job

    async def get(self, job_id: str) -> J | None:
        return await self._jobs.get(job_id)

    async def report(self, job_id: str, change: Callable[[J], None]) -> J:
        """`change` stored on the job, as its runner (`JobTaken` once another process took it)."""

        def reported(job: J) -> J:
            job.ran_by(self.runner)
            change(job)
            return job.model_copy()

        return await self._jobs.change(job_id, reported)

    async def wait(self) -> None:
        """Until the jobs this process is running have ended (tests, benchmarks, shutdown)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def _execute(self, job_id: str, run: Callable[[], Awaitable[None]]) -> None:
        async with self._running:
            try:
                await run()
            except JobTaken as taken:
                log.warning("job taken by another runner", job_id=job_id, reason=str(taken))
            except Exception as failed:
                log.exception("job failed", job_id=job_id)
                reason, now = f"{type(failed).__name__}: {failed}", self._clock()
                await self.report(job_id, lambda job: job.fail(reason, now))
