"""Composition root of the matchmaking service: `uvicorn --factory matchmaking.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events import matchmaking as matchmaking_events
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.service import ServiceRuntime

from matchmaking.api import build_routers
from matchmaking.handlers import LeasingEventsHandler
from matchmaking.queries import MatchmakingQueries
from matchmaking.read_model import ReadModel
from matchmaking.repository import Collections, group_known
from matchmaking.service import MatchmakingService
from matchmaking.settings import MatchmakingSettings


def create_app(settings: MatchmakingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    runtime = ServiceRuntime(settings or MatchmakingSettings())
    runtime.follow_directory()  # parks and tenants from leasing: matchmaking knows no other park
    runtime.document_publications(matchmaking_events.PUBLISHED)
    collections = Collections(runtime, clock)
    read = ReadModel()
    runtime.on_startup(lambda: collections.load(read))
    service = MatchmakingService(collections.stores, read, group_known(runtime.directory), clock)
    runtime.subscribe([TenantOnboarded, LeaseTerminated], LeasingEventsHandler(service))
    app = runtime.create_app("parkops matchmaking", build_routers(service, MatchmakingQueries(read)))
    return app
