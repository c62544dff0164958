"""Composition root of the finance service: `uvicorn --factory finance.main:create_app`.

Only the runtime is wired so far (health, metrics, auth, broker, store): its business capability is
its own issue, built on the platform foundation."""

from fastapi import FastAPI
from parkops_runtime.service import ServiceRuntime

from finance.settings import FinanceSettings


def create_app(settings: FinanceSettings | None = None) -> FastAPI:
    runtime = ServiceRuntime(settings or FinanceSettings())
    app = runtime.create_app("parkops finance", [])
    app.state.runtime = runtime
    return app
