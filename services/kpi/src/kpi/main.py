"""Composition root of the kpi service: `uvicorn --factory kpi.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events import kpi as kpi_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.inbox import Inbox
from parkops_runtime.service import ServiceRuntime

from kpi.api import build_routers
from kpi.domain.ledger import CONSUMED
from kpi.handlers import ParkEventsHandler
from kpi.own_events import OWN, OwnAndFactsHandler
from kpi.projections import Projections
from kpi.queries import KpiQueries
from kpi.queries.scorecards import Scorecards, TermsMemory
from kpi.repository import stores
from kpi.service import KpiService
from kpi.settings import KpiSettings


def create_app(settings: KpiSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    runtime = ServiceRuntime(settings or KpiSettings())
    runtime.follow_directory()  # parks and their owning groups, from leasing: nothing else is a park here
    projections = Projections(Inbox(runtime.database["inbox"]))
    scorecards = Scorecards(projections, TermsMemory(), runtime.directory)
    kpi_stores = stores(runtime, clock)
    service = KpiService(kpi_stores, scorecards, clock)
    queries = KpiQueries(projections, scorecards, kpi_stores.assessments, clock)

    async def load_read_models() -> None:
        await projections.load_inbox()
        scorecards.terms.load(await kpi_stores.every_terms())

    runtime.on_startup(load_read_models)
    facts = ParkEventsHandler(projections)
    own = OwnAndFactsHandler(facts, service.fold_terms, service.fold_assessment)
    runtime.subscribe((*CONSUMED, *OWN), own)
    runtime.document_publications(kpi_events.PUBLISHED)
    app = runtime.create_app("parkops kpi", build_routers(service, queries))
    app.state.projections = projections
    app.state.scorecards = scorecards
    return app
