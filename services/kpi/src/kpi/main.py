"""Composition root of the kpi service: `uvicorn --factory kpi.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded, UnitListed
from parkops_runtime.inbox import Inbox
from parkops_runtime.service import ServiceRuntime

from kpi.api import build_router
from kpi.handlers import LeasingEventsHandler
from kpi.projections import Projections
from kpi.settings import KpiSettings


def create_app(settings: KpiSettings | None = None) -> FastAPI:
    runtime = ServiceRuntime(settings or KpiSettings())
    projections = Projections()
    inbox = Inbox(runtime.database["inbox"])

    async def load_projections() -> None:
        await projections.load(inbox.collection.find({}))

    runtime.on_startup(load_projections)
    runtime.subscribe([ParkRegistered, UnitListed, TenantOnboarded], LeasingEventsHandler(inbox, projections))
    app = runtime.create_app("parkops kpi", [build_router(projections)])
    app.state.runtime = runtime
    app.state.projections = projections
    return app
