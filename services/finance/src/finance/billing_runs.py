"""Billing runs as jobs: started by a request (202), run in the background, read from any replica.

The run is the store's (`BillingRun`, one document per park and period, `_id` `<park>/<period>`), so
every replica reads the same state and progress, and starting a run twice is one run. The process that
claims it runs it as a task on its own event loop, in slices of `slice_leases` leases: each slice is one
change of the park's books (a few tens of milliseconds of CPU at most), then the run waits until the
outbox holds at most a few unpublished commits (`_settle`) and reports its progress. So the loop stays free
between slices for requests, consumers' heartbeats and the producer, and the events a run makes never
pile up in the producer faster than Kafka takes them (a pile-up is what made publishes time out).

Claiming, reporting as the runner and failing are the runtime's (`parkops_runtime.jobs`, shared with
matchmaking's meeting batches); the billing is this module's.

Why not a worker process: a slice's work is changing the books and writing them through the one write
path (its lock, retries and outbox) of this process; a worker would need its own store, producer and
relay, and the books' in-memory copy would then be stale here. On a 2-core machine the event loop
between slices is what was missing, not a core."""

import asyncio
from collections.abc import Callable
from functools import partial

from parkops_kernel.errors import NotFound
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock
from parkops_runtime.directory import ParkEntry
from parkops_runtime.jobs import JobRunner
from parkops_runtime.slices import in_slices

from finance.domain.billing import billable_period
from finance.domain.billing_runs import BillingRun
from finance.domain.lease_billing import recognize_deferred, run_billing
from finance.schemas import BillingRunPublic
from finance.service import FinanceService


def run_id(park_id: str, period: str) -> str:
    return f"{park_id}/{period}"


class BillingRuns:
    def __init__(
        self,
        runs: AggregateStore[BillingRun],
        finance: FinanceService,
        outbox_depth: Callable[[], float],
        clock: Clock,
        *,
        slice_leases: int = 500,
        at_once: int = 2,
        unpublished_at_most: int = 8,
    ) -> None:
        self._jobs = JobRunner(runs, clock, at_once=at_once)  # claims, runs, reports, fails (shared)
        self._finance, self._depth, self._clock = finance, outbox_depth, clock
        self._slice, self._unpublished_at_most = slice_leases, unpublished_at_most

    async def start(self, access: ParkAccess, period: str) -> BillingRunPublic:
        """The park's run of the period: a new one (or a failed or abandoned one) starts here."""
        park, now = access.park, self._clock()
        billable_period(period, park.registered_at.date())
        new = lambda: BillingRun(  # noqa: E731
            park_id=park.park_id, group_id=park.group_id, period=period, created_at=now, updated_at=now
        )
        run = await self._jobs.start(run_id(park.park_id, period), new, partial(self._bill, park, period))
        return BillingRunPublic.model_validate(run)

    async def get(self, access: ParkAccess, period: str) -> BillingRunPublic:
        found = await self._jobs.get(run_id(access.park_id, period))
        if found is None or found.group_id != access.group_id:
            raise NotFound(f"billing run of {period} not found")
        return BillingRunPublic.model_validate(found)

    async def wait(self) -> None:
        """Until the runs this process is running have ended (tests, benchmarks, shutdown)."""
        await self._jobs.wait()

    async def _bill(self, park: ParkEntry, period: str) -> None:
        leases = sorted((await self._finance.read(park)).schedules)
        now, job = self._clock(), run_id(park.park_id, period)
        run = await self._jobs.report(job, partial(BillingRun.start, total=len(leases), now=now))
        await self._finance.write(park, partial(recognize_deferred, period=period, cause=run.cause))
        async for part in in_slices(leases, self._slice):
            await self._settle()
            billed = partial(run_billing, period=period, cause=run.cause, leases=part)
            issued = await self._finance.write(park, billed)
            progress = partial(BillingRun.advance, leases=len(part), invoices=len(issued), now=self._clock())
            await self._jobs.report(job, progress)
        await self._jobs.report(job, partial(BillingRun.succeed, now=self._clock()))

    async def _settle(self) -> None:
        """Wait while the outbox holds more than a few unpublished commits: a run writes no faster
        than Kafka takes its events, so none waits in the producer long enough to time out."""
        while self._depth() > self._unpublished_at_most:  # noqa: ASYNC110 (a gauge: no event to wait on)
            await asyncio.sleep(0.01)
