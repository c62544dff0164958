"""Composition root of the kpi service: `uvicorn --factory kpi.main:create_app`.

Reads come from one replicated view (`kpi.view`): every replica follows every partition of its topics,
so any replica answers what one would, and a read sent a write's consistency token answers once this
replica has folded it (or 503). Each event is decoded and validated once, by the view's follower, which
also dead-letters a malformed one (once across replicas: `parkops_runtime.dead_letters`). The consumer
group does what must happen once, whichever replica consumes: kpi's own events written back into its
store (terms and assessments of a kpi rebuilt from the topics); it reads only those topics."""

from fastapi import Depends, FastAPI
from parkops_contracts.events import kpi as kpi_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.collector import collect_less_often
from parkops_runtime.replicated_view import fresh_read
from parkops_runtime.service import ServiceRuntime

from kpi.api import build_routers
from kpi.handlers import STORED, OwnEventsHandler
from kpi.queries import KpiQueries
from kpi.queries.scorecards import Scorecards
from kpi.repository import stores
from kpi.service import KpiService
from kpi.settings import KpiSettings
from kpi.view import FOLLOWED, KpiView


def create_app(settings: KpiSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    collect_less_often()  # folding allocates a few short-lived objects per event: see the module
    runtime = ServiceRuntime(settings or KpiSettings())
    runtime.follow_directory()  # parks and their owning groups, from leasing: nothing else is a park here
    model = KpiView()
    view = runtime.replicated_view("kpi", model, FOLLOWED, dead_letters=True)
    scorecards = Scorecards(model.projections, model.terms, runtime.directory)
    kpi_stores = stores(runtime, clock)
    service = KpiService(kpi_stores, scorecards, clock)
    queries = KpiQueries(model.projections, scorecards, kpi_stores.assessments, clock)

    async def load_stored_terms() -> None:  # after the view's start: its snapshot, then the store's
        model.terms.load(await kpi_stores.every_terms())

    runtime.on_startup(load_stored_terms)
    own = OwnEventsHandler(service.fold_terms, service.fold_assessment)
    runtime.subscribe(STORED, own, view_dead_letters=True)
    runtime.document_publications(kpi_events.PUBLISHED)
    after_tokens = Depends(fresh_read(view, runtime.settings.consistency_wait_seconds))
    app = runtime.create_app("parkops kpi", build_routers(service, queries, [after_tokens]))
    app.state.view = view
    app.state.projections = model.projections
    app.state.scorecards = scorecards
    return app
