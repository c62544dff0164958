"""Composition root of the matchmaking service: `uvicorn --factory matchmaking.main:create_app`.

Any number of replicas: each folds matchmaking's own topics, every partition, into its view (profiles,
ranking index, the proposals pairs have; started from the latest snapshot plus the tail) and reads the
rest from the store; leasing's onboarding and lease ends are consumed once, by the consumer group."""

from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI
from parkops_contracts.events import matchmaking as matchmaking_events
from parkops_contracts.events.leasing import LeaseTerminated, TenantOnboarded
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.collector import collect_less_often
from parkops_runtime.consistency import NotCaughtUp, Token, render
from parkops_runtime.replicated_view import ReplicatedView, fresh_read
from parkops_runtime.service import ServiceRuntime

from matchmaking.api import build_routers
from matchmaking.handlers import LeasingEventsHandler
from matchmaking.meeting_batches import MeetingBatches
from matchmaking.queries import MatchmakingQueries
from matchmaking.read_model import MatchmakingView
from matchmaking.repository import Collections, group_known
from matchmaking.service import MatchmakingService, Settle
from matchmaking.settings import MatchmakingSettings

VIEW = "matchmaking"
log = structlog.get_logger(__name__)


def create_app(settings: MatchmakingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or MatchmakingSettings()
    collect_less_often()  # the match indexes are millions of objects: see parkops_runtime.collector
    runtime = ServiceRuntime(settings)
    runtime.follow_directory()  # parks and tenants from leasing: matchmaking knows no other park
    runtime.document_publications(matchmaking_events.PUBLISHED)
    collections = Collections(runtime, clock)
    # Every topic matchmaking publishes is followed, so every token its writes answer names a version
    # the view reaches (the fold keeps ProfileChanged, MatchProposed and MatchDeclined).
    view = runtime.replicated_view(VIEW, MatchmakingView(), matchmaking_events.PUBLISHED)
    assert isinstance(view.model, MatchmakingView)
    known = group_known(runtime.directory)
    settle = own_writes(view, settings.consistency_wait_seconds)
    service = MatchmakingService(collections.stores, view.model, known, clock, settle)
    runtime.subscribe([TenantOnboarded, LeaseTerminated], LeasingEventsHandler(service))
    queries = MatchmakingQueries(view.model, collections.stores, collections, service)
    checks = [loaded(view), fresh_read(view, settings.consistency_wait_seconds)]
    batches = MeetingBatches(collections.batches, service, clock)
    routers = build_routers(service, queries, batches, checks)
    app = runtime.create_app("parkops matchmaking", routers)
    app.state.view = view  # for tests and tools: its start-up, a checkpoint now
    app.state.meeting_batches = batches
    return app


def own_writes(view: ReplicatedView, wait_seconds: float) -> Settle:
    """Waits until the view has folded a request's writes; past the wait the write answers anyway (it is
    stored; the reader's token covers the rest)."""

    async def settle(tokens: list[Token]) -> None:
        try:
            await view.caught_up(tokens, wait_seconds)
        except NotCaughtUp:
            log.warning("a write answers before this replica's view folded it", tokens=render(tokens))

    return settle


def loaded(view: ReplicatedView) -> Callable[[], Awaitable[None]]:
    """503 with Retry-After until the view has folded what was on the log at start-up (the balancer
    sends nothing before /health/ready says so; this holds for whoever calls the replica directly)."""

    async def check() -> None:
        if not view.ready:
            raise NotCaughtUp(f"this replica is still loading its view {view.name}; try again")

    return check
