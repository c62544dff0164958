"""HTTP routes of a park's KPI terms (targets, operator agreement, operating costs), assessments and scans."""

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter
from parkops_contracts.events.kpi import LowEfficiencySpaceFlagged
from parkops_runtime.access import FiguresScope, ParkAccess
from parkops_runtime.clock import Clock

from kpi.access import WriterScope
from kpi.assessments import Assessments
from kpi.domain.terms import Agreement, ParkTerms
from kpi.schemas import (
    AgreementIn,
    AssessmentPublic,
    KpiPath,
    OperatingCostIn,
    PeriodPath,
    ScanIn,
    TargetIn,
    TargetPublic,
    TermsPublic,
    YearPath,
)
from kpi.scorecards import Scorecards


def build_terms_router(scorecards: Scorecards, clock: Clock) -> APIRouter:
    """A park's KPI targets and weights, the operator agreement and operating costs."""
    router = APIRouter(tags=["targets and assessment"])

    def public(access: ParkAccess, terms: ParkTerms) -> TermsPublic:
        park_type = scorecards.ledger(access).park_type
        return TermsPublic(
            park_id=access.park_id,
            park_type=park_type,
            targets={
                k: TargetPublic(target=t.target, weight=t.weight, overridden=k in terms.overrides)
                for k, t in terms.targets(park_type).items()
            },
            agreement=terms.to_document()["agreement"],
            operating_costs={str(y): a for y, a in sorted(terms.operating_costs.items())},
            changes=terms.changes,
        )

    async def change(access: ParkAccess, mutate: Callable[[ParkTerms, str, datetime], None]) -> TermsPublic:
        by, at = access.who.subject, clock()
        terms = await scorecards.terms.change(access.park_id, access.group_id, lambda t: mutate(t, by, at))
        return public(access, terms)

    @router.get("/parks/{park_id}/targets")
    async def targets(access: FiguresScope) -> TermsPublic:
        return public(access, scorecards.terms.get(access.park_id, access.group_id))

    @router.put("/parks/{park_id}/targets/{kpi}")
    async def set_target(access: WriterScope, kpi: KpiPath, body: TargetIn) -> TermsPublic:
        return await change(access, lambda t, by, at: t.set_target(kpi, body.target, body.weight, by, at))

    @router.put("/parks/{park_id}/agreement")
    async def set_agreement(access: WriterScope, body: AgreementIn) -> TermsPublic:
        agreement = Agreement.checked(body.kpis, body.bonus_basis, body.bonus_share)
        return await change(access, lambda t, by, at: t.set_agreement(agreement, by, at))

    @router.put("/parks/{park_id}/operating-costs/{year}")
    async def set_cost(access: WriterScope, year: YearPath, body: OperatingCostIn) -> TermsPublic:
        return await change(access, lambda t, by, at: t.set_operating_cost(year, body.amount, by, at))

    return router


def build_assessment_router(assessments: Assessments) -> APIRouter:
    """The operator's assessments of a period (published once) and low-efficiency scans."""
    router = APIRouter(tags=["targets and assessment"])

    @router.post("/parks/{park_id}/assessments/{period}", status_code=201)
    async def publish(access: WriterScope, period: PeriodPath) -> AssessmentPublic:
        return AssessmentPublic(**(await assessments.publish(access, period)))

    @router.get("/parks/{park_id}/assessments/{period}")
    async def assessment(access: FiguresScope, period: PeriodPath) -> AssessmentPublic:
        doc, again = await assessments.get(access, period)
        fields = {k: doc[k] for k in ("park_id", "period", "type", "event", "published_by")}
        return AssessmentPublic(**fields, recomputed=again, recomputation_matches=again == doc["event"])

    @router.post("/parks/{park_id}/low-efficiency-scans", status_code=201)
    async def scan(access: WriterScope, body: ScanIn) -> list[LowEfficiencySpaceFlagged]:
        return await assessments.scan(access, body.as_of, body.max_vacant_days, body.min_tax_per_m2)

    return router
