"""Composition root of the leasing service: `uvicorn --factory leasing.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events.leasing import (
    LeaseRenewed,
    LeaseSigned,
    LeaseTerminated,
    ParkRegistered,
    RentForEquityAgreed,
    TenantMetricsReported,
    TenantOnboarded,
    UnitListed,
    UnitRenovated,
)
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.shards import Shards

from leasing.api import build_park_router, build_space_router
from leasing.api_leases import build_lease_router, build_metrics_router, build_pricing_router
from leasing.api_queries import build_query_router, build_renovation_router
from leasing.directory import ParkDirectory
from leasing.lease_service import LeaseService
from leasing.repository import MongoParkRepository
from leasing.service import LeasingService
from leasing.settings import LeasingSettings


def create_app(settings: LeasingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or LeasingSettings()
    runtime = ServiceRuntime(settings)
    runtime.document_publications(
        [
            ParkRegistered,
            UnitListed,
            TenantOnboarded,
            LeaseSigned,
            LeaseRenewed,
            LeaseTerminated,
            RentForEquityAgreed,
            UnitRenovated,
            TenantMetricsReported,
        ]
    )
    parks = MongoParkRepository(
        Shards(runtime.aggregates, "parks", settings.park_collections),
        runtime.outbound,
        settings.read_cache_seconds,
    )
    runtime.directory = ParkDirectory(parks)  # the system of record answers from its own parks
    leasing = LeasingService(parks, clock)
    leases = LeaseService(leasing)
    routers = [
        build_park_router(leasing),
        build_space_router(leasing),
        build_pricing_router(leases),
        build_lease_router(leases),
        build_metrics_router(leases),
        build_query_router(leases),
        build_renovation_router(leases),
    ]
    app = runtime.create_app("parkops leasing", routers)
    return app
