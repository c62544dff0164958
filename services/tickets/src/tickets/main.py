"""Composition root of the tickets service: `uvicorn --factory tickets.main:create_app`.

Only the runtime is wired so far (health, metrics, auth, broker, store): its business capability is
its own issue, built on the platform foundation."""

from fastapi import FastAPI
from parkops_runtime.service import ServiceRuntime

from tickets.settings import TicketsSettings


def create_app(settings: TicketsSettings | None = None) -> FastAPI:
    runtime = ServiceRuntime(settings or TicketsSettings())
    app = runtime.create_app("parkops tickets", [])
    app.state.runtime = runtime
    return app
