"""Routes of matchmaking meetings: plan, list, read, record attendance."""

from fastapi import APIRouter, status
from parkops_runtime.access import ParkScope, StaffScope
from parkops_runtime.request_keys import IdempotencyKey

from matchmaking.queries import MatchmakingQueries
from matchmaking.schemas import AttendanceCreate, MeetingCreate, MeetingPublic, PathId
from matchmaking.service import MatchmakingService


def build_router(service: MatchmakingService, queries: MatchmakingQueries) -> APIRouter:
    router = APIRouter(tags=["meetings"])

    @router.post("/parks/{park_id}/meetings", status_code=status.HTTP_201_CREATED)
    async def plan_meeting(
        body: MeetingCreate, access: StaffScope, key: IdempotencyKey = None
    ) -> MeetingPublic:
        return await service.plan_meeting(access, body.command(), key)

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
