"""Meeting batches as jobs: the meeting the synchronous call plans, planned in the background with its
progress stored; one batch per Idempotency-Key (joined when started again, a conflict with another
request), a failed or stalled one taken over by the next start, a batch read only in its own park."""

from datetime import date, timedelta

import pytest
from matchmaking.domain import commands as cmd
from matchmaking.domain.meeting_batch import MeetingBatch
from matchmaking.meeting_batches import MeetingBatches
from matchmaking.service import meeting_named
from parkops_contracts.events import matchmaking as events
from parkops_kernel.errors import Conflict, NotFound
from parkops_kernel.jobs import STALE_AFTER, JobState
from parkops_runtime.aggregates import AggregateStore, PlainCodec
from parkops_runtime.testing import MemoryAggregates

from .test_service import AT, Matchmaking, outbound, staff

NOVEMBER = cmd.PlanMeeting("November", date(2026, 11, 30), 3)


class Batches:
    def __init__(self, mm: Matchmaking) -> None:
        self.documents = MemoryAggregates()
        store = AggregateStore(self.documents, PlainCodec(MeetingBatch), outbound, kind="meeting-batch")
        self.jobs = MeetingBatches(store, mm.service, lambda: AT)


@pytest.fixture
async def mm() -> Matchmaking:
    m = Matchmaking()
    await m.seeded()
    return m


async def test_a_batch_plans_the_meeting_the_synchronous_call_answers_and_is_joined(mm: Matchmaking) -> None:
    batches = Batches(mm)
    queued = await batches.jobs.start(staff("p1"), NOVEMBER, "m")
    assert (queued.state, queued.total, queued.proposals) == (JobState.QUEUED, 0, 0)
    await batches.jobs.wait()
    done = await batches.jobs.get(staff("p1"), queued.meeting_id)
    assert (done.state, done.done, done.total) == (JobState.SUCCEEDED, 1, 1), "vax's one open need"
    assert done.proposals == 2, "its top 3 among the suppliers: glass (p1) and chips (p2)"
    assert done.started_at == done.finished_at == AT
    assert done.error is None
    proposed = len(mm.proposals.events(events.MatchProposed))
    again = await batches.jobs.start(staff("p1"), NOVEMBER, "m")
    await batches.jobs.wait()
    assert again == done, "joined as it ended: nothing planned again"
    meeting = await mm.service.plan_meeting(staff("p1"), NOVEMBER, "m")
    assert meeting.meeting_id == done.meeting_id
    assert len(meeting.proposal_ids) == done.proposals
    assert len(mm.proposals.events(events.MatchProposed)) == proposed
    assert len(mm.meetings.documents) == 1
    with pytest.raises(Conflict):
        await batches.jobs.start(staff("p1"), cmd.PlanMeeting("December", date(2026, 12, 30), 3), "m")


async def test_without_a_key_every_start_is_a_new_batch(mm: Matchmaking) -> None:
    batches = Batches(mm)
    first = await batches.jobs.start(staff("p1"), NOVEMBER, None)
    second = await batches.jobs.start(staff("p1"), NOVEMBER, None)
    await batches.jobs.wait()
    assert first.meeting_id != second.meeting_id
    assert len(mm.meetings.documents) == 2


async def test_a_failed_batch_says_why_and_the_next_start_takes_it_over(
    mm: Matchmaking, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = Batches(mm)

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("store gone")

    with monkeypatch.context() as patched:
        patched.setattr(mm.service, "plan", broken)
        started = await batches.jobs.start(staff("p1"), NOVEMBER, "m")
        await batches.jobs.wait()
    failed = await batches.jobs.get(staff("p1"), started.meeting_id)
    assert (failed.state, failed.error) == (JobState.FAILED, "RuntimeError: store gone")
    assert mm.meetings.documents == {}
    await batches.jobs.start(staff("p1"), NOVEMBER, "m")
    await batches.jobs.wait()
    retried = await batches.jobs.get(staff("p1"), started.meeting_id)
    assert (retried.state, retried.error, retried.proposals) == (JobState.SUCCEEDED, None, 2)
    assert len(mm.meetings.documents) == 1


@pytest.mark.parametrize(
    ("silent_for", "taken"), [(STALE_AFTER + timedelta(seconds=1), True), (STALE_AFTER, False)]
)
async def test_a_running_batch_is_joined_until_its_runner_stops_reporting(
    mm: Matchmaking, silent_for: timedelta, taken: bool
) -> None:
    batches = Batches(mm)
    meeting_id, request = meeting_named(staff("p1"), NOVEMBER, "m")
    running = MeetingBatch(
        meeting_id=meeting_id,
        park_id="p1",
        group_id="g1",
        title="November",
        held_on=NOVEMBER.held_on,
        request=request,
        state=JobState.RUNNING,
        runner="another process",
        created_at=AT - silent_for,
        updated_at=AT - silent_for,
    )
    await batches.documents.insert(meeting_id, PlainCodec(MeetingBatch).encode(running), [])
    await batches.jobs.start(staff("p1"), NOVEMBER, "m")
    await batches.jobs.wait()
    after = await batches.jobs.get(staff("p1"), meeting_id)
    assert after.state is (JobState.SUCCEEDED if taken else JobState.RUNNING)
    assert len(mm.meetings.documents) == (1 if taken else 0)


async def test_a_batch_is_read_in_its_own_park_only(mm: Matchmaking) -> None:
    batches = Batches(mm)
    started = await batches.jobs.start(staff("p1"), NOVEMBER, "m")
    await batches.jobs.wait()
    with pytest.raises(NotFound):
        await batches.jobs.get(staff("p2"), started.meeting_id)
    with pytest.raises(NotFound):
        await batches.jobs.get(staff("p1"), "no-such-batch")
