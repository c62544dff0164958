"""Parks: registration (group admins) and reading."""

from fastapi import APIRouter, status
from parkops_runtime.auth import CurrentPrincipal
from parkops_runtime.request_keys import IdempotencyKey

from leasing.access import GroupAdmin, ParkScope
from leasing.queries import LeasingQueries
from leasing.schemas.space import ParkCreate, ParkPublic
from leasing.service import LeasingService


def build_router(leasing: LeasingService, queries: LeasingQueries) -> APIRouter:
    router = APIRouter(tags=["leasing"])

    @router.post("/parks", status_code=status.HTTP_201_CREATED)
    async def register_park(body: ParkCreate, who: GroupAdmin, key: IdempotencyKey = None) -> ParkPublic:
        """Without `park_id`, a keyed registration takes its id from the group and the key."""
        return await leasing.register_park(body.command(who.group_id), key)

    @router.get("/parks")
    async def list_parks(who: CurrentPrincipal) -> list[ParkPublic]:
        return await queries.parks(who)

    @router.get("/parks/{park_id}")
    async def get_park(scope: ParkScope) -> ParkPublic:
        return await queries.park(scope)

    return router
