"""HTTP routes of the matchmaking service, one module per resource: schemas in, the service or the
queries, schemas out. No business rules here.

Every route first runs the `checks` main.py gives: 503 with Retry-After while this replica's view is
still loading, and the optional `Parkops-Consistency-Token` of earlier writes, answered once the view
has folded them (503 with Retry-After otherwise), so a client reads its own writes whichever replica
the balancer picks."""

from collections.abc import Awaitable, Callable, Sequence

from fastapi import APIRouter, Depends

from matchmaking.api import group, meetings, profiles, proposals
from matchmaking.meeting_batches import MeetingBatches
from matchmaking.queries import MatchmakingQueries
from matchmaking.service import MatchmakingService

Check = Callable[..., Awaitable[None]]


def build_routers(
    service: MatchmakingService,
    queries: MatchmakingQueries,
    batches: MeetingBatches,
    checks: Sequence[Check],
) -> list[APIRouter]:
    routers = [
        profiles.build_router(service, queries),
        proposals.build_router(service, queries),
        meetings.build_router(service, queries, batches),
        group.build_router(service, queries),
    ]
    return [_checked(router, checks) for router in routers]


def _checked(router: APIRouter, checks: Sequence[Check]) -> APIRouter:
    outer = APIRouter(dependencies=[Depends(check) for check in checks])
    outer.include_router(router)
    return outer
