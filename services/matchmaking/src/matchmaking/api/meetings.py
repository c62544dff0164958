"""Routes of matchmaking meetings: plan, list, read, record attendance.

Planning answers the meeting when it is planned. Sent with `Prefer: respond-async` (RFC 7240) it
answers 202 at once with the meeting's batch as a job (`matchmaking.meeting_batches`), one per
Idempotency-Key (started twice: one batch); its progress is read at
`/parks/{park_id}/meeting-batches/{meeting_id}` from any replica."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from matchmaking.meeting_batches import MeetingBatches
from matchmaking.queries import MatchmakingQueries
from matchmaking.schemas import AttendanceCreate, MeetingBatchPublic, MeetingCreate, MeetingPublic, PathId
from matchmaking.service import MatchmakingService

ASYNC: dict[int | str, dict[str, Any]] = {
    202: {"model": MeetingBatchPublic, "description": "Prefer: respond-async: the batch, started or joined"}
}


def build_router(
    service: MatchmakingService, queries: MatchmakingQueries, batches: MeetingBatches
) -> APIRouter:
    router = APIRouter(tags=["meetings"])

    @router.post("/parks/{park_id}/meetings", status_code=status.HTTP_201_CREATED, responses=ASYNC)
    async def plan_meeting(
        body: MeetingCreate,
        access: StaffScope,
        response: Response,
        key: IdempotencyKey = None,
        prefer: Annotated[str | None, Header(description="respond-async: answer 202 with the batch")] = None,
    ) -> MeetingPublic | MeetingBatchPublic:
        if prefer is None or "respond-async" not in prefer:
            return await service.plan_meeting(access, body.command(), key)
        batch = await batches.start(access, body.command(), key)
        response.status_code = status.HTTP_202_ACCEPTED
        response.headers["Location"] = f"/parks/{access.park_id}/meeting-batches/{batch.meeting_id}"
        response.headers["Preference-Applied"] = "respond-async"
        return batch

    @router.get("/parks/{park_id}/meeting-batches/{meeting_id}")
    async def meeting_batch(meeting_id: PathId, access: StaffScope) -> MeetingBatchPublic:
        return await batches.get(access, meeting_id)

    @router.get("/parks/{park_id}/meetings")
    async def list_meetings(access: ParkScope) -> list[MeetingPublic]:
        return await queries.meetings(access)

    @router.get("/parks/{park_id}/meetings/{meeting_id}")
    async def get_meeting(meeting_id: PathId, access: ParkScope) -> MeetingPublic:
        return await queries.meeting(access, meeting_id)

    @router.post("/parks/{park_id}/meetings/{meeting_id}/attendance")
    async def attend(
        meeting_id: PathId, body: AttendanceCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> MeetingPublic:
        return await service.record_attendance(access, body.command(meeting_id), key)

    return router
