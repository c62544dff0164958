"""Composition root of the leasing service: `uvicorn --factory leasing.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events import leasing as leasing_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.shards import Shards

from leasing.api import build_routers
from leasing.park_parts import ParkParts
from leasing.queries import LeasingQueries, ParkDirectory
from leasing.repository import BOOKS, CLAIMS, LEASES, ParkRepository, book_store, claim_store, file_store
from leasing.service import LeasingService
from leasing.settings import LeasingSettings


def create_app(settings: LeasingSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or LeasingSettings()
    runtime = ServiceRuntime(settings)
    runtime.document_publications(leasing_events.PUBLISHED)
    shards = Shards(runtime.aggregates, "parks", settings.park_collections)
    parks = ParkRepository(shards, runtime.outbound, clock, settings.read_cache_seconds)
    runtime.directory = ParkDirectory(parks.store)  # the system of record answers from its own parks
    claims = claim_store(runtime.aggregates(CLAIMS), runtime.outbound, clock)
    fresh_for, count = settings.read_cache_seconds, settings.park_collections
    books = book_store(Shards(runtime.aggregates, BOOKS, count), runtime.outbound, clock, fresh_for)
    files = file_store(Shards(runtime.aggregates, LEASES, count), runtime.outbound, clock, fresh_for)
    parts = ParkParts(parks.store, books, files, fresh_for=fresh_for)  # claims timed by real time
    leasing, queries = LeasingService(parts, claims, clock), LeasingQueries(parks, parts, clock)
    return runtime.create_app("parkops leasing", build_routers(leasing, queries))
