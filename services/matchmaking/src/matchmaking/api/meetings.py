"""Routes of matchmaking meetings and of the group's chain map and matching settings."""

from fastapi import APIRouter, status
from parkops_runtime.access import GroupAdminScope, GroupScope, ParkScope, StaffScope

from matchmaking.api.present import chain_public, meeting_public, settings_public
from matchmaking.domain.chain import Segment
from matchmaking.domain.scoring import Weights
from matchmaking.groups_service import GroupService
from matchmaking.meetings_service import MeetingService
from matchmaking.schemas import (
    AttendanceCreate,
    ChainMapIO,
    MeetingCreate,
    MeetingPublic,
    PathId,
    SettingsIO,
)


def build_router(meetings: MeetingService, groups: GroupService) -> APIRouter:
    router = APIRouter(tags=["meetings"])

    @router.post("/parks/{park_id}/meetings", status_code=status.HTTP_201_CREATED)
    async def plan_meeting(body: MeetingCreate, access: StaffScope) -> MeetingPublic:
        return meeting_public(await meetings.plan(access, body.title, body.held_on, body.top_k))

    @router.get("/parks/{park_id}/meetings")
    async def list_meetings(access: ParkScope) -> list[MeetingPublic]:
        return [meeting_public(m) for m in meetings.meetings(access)]

    @router.get("/parks/{park_id}/meetings/{meeting_id}")
    async def get_meeting(meeting_id: PathId, access: ParkScope) -> MeetingPublic:
        return meeting_public(meetings.meeting(access, meeting_id))

    @router.post("/parks/{park_id}/meetings/{meeting_id}/attendance")
    async def attend(meeting_id: PathId, body: AttendanceCreate, access: StaffScope) -> MeetingPublic:
        return meeting_public(await meetings.record_attendance(access, meeting_id, body.tenant_id))

    @router.get("/groups/{group_id}/chain-map", tags=["group"])
    async def get_chain_map(access: GroupScope) -> ChainMapIO:
        return chain_public(groups.config(access))

    @router.put("/groups/{group_id}/chain-map", tags=["group"])
    async def put_chain_map(body: ChainMapIO, access: GroupAdminScope) -> ChainMapIO:
        segments = [Segment(s.segment_id, s.name_zh, s.name_en) for s in body.segments]
        edges = [(e.upstream, e.downstream) for e in body.edges]
        return chain_public(await groups.replace_chain(access, segments, edges))

    @router.get("/groups/{group_id}/settings", tags=["group"])
    async def get_settings(access: GroupScope) -> SettingsIO:
        return settings_public(groups.config(access))

    @router.put("/groups/{group_id}/settings", tags=["group"])
    async def put_settings(body: SettingsIO, access: GroupAdminScope) -> SettingsIO:
        config = await groups.configure(access, Weights(**body.weights.model_dump()), body.group_wide)
        return settings_public(config)

    return router
