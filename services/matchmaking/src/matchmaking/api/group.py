"""Routes of a park group's matchmaking configuration: its chain map and matching settings."""

from enum import Enum

from fastapi import APIRouter
from parkops_runtime.access import GroupAdminScope, GroupScope, ParkScope
from parkops_runtime.request_keys import IdempotencyKey

from matchmaking.queries import MatchmakingQueries
from matchmaking.schemas import ChainMapIO, SettingsIO
from matchmaking.service import MatchmakingService

GROUP: list[str | Enum] = ["meetings", "group"]  # the tags these routes always had


def build_router(service: MatchmakingService, queries: MatchmakingQueries) -> APIRouter:
    router = APIRouter()

    @router.get("/parks/{park_id}/chain-map", tags=["profiles", "group"])
    async def get_park_chain_map(access: ParkScope) -> ChainMapIO:
        """The group's chain map, whose segments profiles name: for everyone who sees the park."""
        return await queries.chain_map(access)

    @router.get("/groups/{group_id}/chain-map", tags=GROUP)
    async def get_chain_map(access: GroupScope) -> ChainMapIO:
        return await queries.chain_map(access)

    @router.get("/groups/{group_id}/settings", tags=GROUP)
    async def get_settings(access: GroupScope) -> SettingsIO:
        return await queries.settings(access)

    @router.put("/groups/{group_id}/chain-map", tags=GROUP)
    async def put_chain_map(
        body: ChainMapIO, access: GroupAdminScope, key: IdempotencyKey = None
    ) -> ChainMapIO:
        return await service.edit_chain_map(access, body.command(), key)

    @router.put("/groups/{group_id}/settings", tags=GROUP)
    async def put_settings(
        body: SettingsIO, access: GroupAdminScope, key: IdempotencyKey = None
    ) -> SettingsIO:
        """The score weights and whether matching crosses the group's parks (group admins)."""
        return await service.configure_matching(access, body.command(), key)

    return router
