"""HTTP routes of the matchmaking service, one module per resource: schemas in, the service or the
queries, schemas out. No business rules here."""

from fastapi import APIRouter

from matchmaking.api import group, meetings, profiles, proposals
from matchmaking.queries import MatchmakingQueries
from matchmaking.service import MatchmakingService


def build_routers(service: MatchmakingService, queries: MatchmakingQueries) -> list[APIRouter]:
    return [
        profiles.build_router(service, queries),
        proposals.build_router(service, queries),
        meetings.build_router(service, queries),
        group.build_router(service, queries),
    ]
