"""Composition root of the leasing service: `uvicorn --factory leasing.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events.leasing import ParkRegistered, TenantOnboarded, UnitListed
from parkops_runtime.service import ServiceRuntime

from leasing.api import build_router
from leasing.repository import MongoParkRepository
from leasing.service import Clock, LeasingService, utc_now
from leasing.settings import LeasingSettings


def create_app(settings: LeasingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    runtime = ServiceRuntime(settings or LeasingSettings())
    runtime.document_publications([ParkRegistered, UnitListed, TenantOnboarded])
    parks = MongoParkRepository(runtime.aggregates("parks"), runtime.outbound)
    app = runtime.create_app("parkops leasing", [build_router(LeasingService(parks, clock))])
    app.state.runtime = runtime
    return app
