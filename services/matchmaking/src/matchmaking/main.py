"""Composition root of the matchmaking service: `uvicorn --factory matchmaking.main:create_app`.

Only the runtime is wired so far (health, metrics, auth, broker, store): its business capability is
its own issue, built on the platform foundation."""

from fastapi import FastAPI
from parkops_runtime.service import ServiceRuntime

from matchmaking.settings import MatchmakingSettings


def create_app(settings: MatchmakingSettings | None = None) -> FastAPI:
    runtime = ServiceRuntime(settings or MatchmakingSettings())
    app = runtime.create_app("parkops matchmaking", [])
    app.state.runtime = runtime
    return app
