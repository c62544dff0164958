"""Routes of matchmaking meetings and of the group's chain map and matching settings."""

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal

from matchmaking.api.present import chain_public, meeting_public, settings_public
from matchmaking.domain.chain import Segment
from matchmaking.domain.scoring import Weights
from matchmaking.groups_service import GroupService
from matchmaking.meetings_service import MeetingService
from matchmaking.schemas import AttendanceCreate, ChainMapIO, MeetingCreate, MeetingPublic, SettingsIO


def build_router(meetings: MeetingService, groups: GroupService) -> APIRouter:
    router = APIRouter(tags=["meetings"])

    @router.post("/parks/{park_id}/meetings", status_code=status.HTTP_201_CREATED)
    async def plan_meeting(park_id: str, body: MeetingCreate, who: CurrentPrincipal) -> MeetingPublic:
        meeting = await meetings.plan(who, park_id, who.group_id, body.title, body.held_on, body.top_k)
        return meeting_public(meeting)

    @router.get("/parks/{park_id}/meetings/{meeting_id}")
    async def get_meeting(park_id: str, meeting_id: str, who: CurrentPrincipal) -> MeetingPublic:
        return meeting_public(meetings.meeting(who, park_id, meeting_id))

    @router.post("/parks/{park_id}/meetings/{meeting_id}/attendance")
    async def attend(
        park_id: str, meeting_id: str, body: AttendanceCreate, who: CurrentPrincipal
    ) -> MeetingPublic:
        return meeting_public(await meetings.record_attendance(who, park_id, meeting_id, body.tenant_id))

    @router.get("/chain-map", tags=["group"])
    async def get_chain_map(who: CurrentPrincipal) -> ChainMapIO:
        return chain_public(groups.config(who))

    @router.put("/chain-map", tags=["group"])
    async def put_chain_map(body: ChainMapIO, who: CurrentPrincipal) -> ChainMapIO:
        segments = [Segment(s.segment_id, s.name_zh, s.name_en) for s in body.segments]
        edges = [(e.upstream, e.downstream) for e in body.edges]
        return chain_public(await groups.replace_chain(who, segments, edges))

    @router.get("/settings", tags=["group"])
    async def get_settings(who: CurrentPrincipal) -> SettingsIO:
        return settings_public(groups.config(who))

    @router.put("/settings", tags=["group"])
    async def put_settings(body: SettingsIO, who: CurrentPrincipal) -> SettingsIO:
        config = await groups.configure(who, Weights(**body.weights.model_dump()), body.group_wide)
        return settings_public(config)

    return router
