"""Composition root of the kpi service: `uvicorn --factory kpi.main:create_app`."""

from fastapi import FastAPI
from parkops_contracts.events.kpi import KpiTargetMissed, LowEfficiencySpaceFlagged, OperatorBonusEarned
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.inbox import Inbox
from parkops_runtime.service import ServiceRuntime

from kpi.api import build_router
from kpi.api_scorecards import build_portfolio_router, build_scorecard_router
from kpi.api_terms import build_assessment_router, build_terms_router
from kpi.assessments import Assessments
from kpi.domain.ledger import CONSUMED
from kpi.handlers import ParkEventsHandler
from kpi.projections import Projections
from kpi.scorecards import Scorecards
from kpi.settings import KpiSettings
from kpi.terms_store import TermsStore


def create_app(settings: KpiSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    runtime = ServiceRuntime(settings or KpiSettings())
    runtime.follow_directory()  # parks and their owning groups, from leasing: nothing else is a park here
    projections = Projections()
    inbox = Inbox(runtime.database["inbox"])
    terms = TermsStore(runtime.aggregates("kpi_terms"))
    scorecards = Scorecards(projections, terms, runtime.directory)
    assessments = Assessments(
        scorecards,
        runtime.aggregates("kpi_assessments"),
        runtime.aggregates("kpi_scans"),
        runtime.outbound,
        clock,
    )

    async def load_read_models() -> None:
        await projections.load_from(inbox.collection)
        await terms.load()

    runtime.on_startup(load_read_models)
    runtime.subscribe(CONSUMED, ParkEventsHandler(inbox, projections))
    runtime.document_publications([OperatorBonusEarned, KpiTargetMissed, LowEfficiencySpaceFlagged])
    routers = [
        build_router(projections),
        build_scorecard_router(scorecards),
        build_portfolio_router(scorecards),
        build_terms_router(scorecards, clock),
        build_assessment_router(assessments),
    ]
    app = runtime.create_app("parkops kpi", routers)
    app.state.projections = projections
    app.state.scorecards = scorecards
    return app
