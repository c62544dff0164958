"""HTTP routes of a park's KPI terms (targets, operator agreement, operating costs), assessments and scans."""

from datetime import UTC, datetime
from decimal import Decimal

from fastapi import APIRouter
from parkops_contracts.events.kpi import LowEfficiencySpaceFlagged
from parkops_runtime.auth import CurrentPrincipal, Role

from kpi.assessments import Assessments
from kpi.domain.terms import Agreement, ParkTerms
from kpi.schemas import (
    AgreementIn,
    AssessmentPublic,
    OperatingCostIn,
    ScanIn,
    TargetIn,
    TargetPublic,
    TermsPublic,
)
from kpi.scorecards import Scorecards


def build_terms_router(scorecards: Scorecards, assessments: Assessments) -> APIRouter:
    router = APIRouter(tags=["targets and assessment"])

    def public(park_id: str, terms: ParkTerms) -> TermsPublic:
        ledger = scorecards.projections.ledger(park_id)
        park_type = ledger.park_type if ledger else None
        return TermsPublic(
            park_id=park_id,
            park_type=park_type,
            targets={
                k: TargetPublic(target=t.target, weight=t.weight, overridden=k in terms.overrides)
                for k, t in terms.targets(park_type).items()
            },
            agreement=terms.to_document()["agreement"],
            operating_costs={str(y): a for y, a in sorted(terms.operating_costs.items())},
            changes=terms.changes,
        )

    async def change(park_id: str, who: CurrentPrincipal, what: str, value: object) -> TermsPublic:
        who.require_role(Role.GROUP_ADMIN)
        ledger = scorecards.ledger(park_id, who)
        at = datetime.now(UTC)

        def mutate(terms: ParkTerms) -> None:
            if isinstance(value, TargetIn):
                terms.set_target(what, value.target, value.weight, who.subject, at)
            elif isinstance(value, AgreementIn):
                agreement = Agreement.checked(value.kpis, value.bonus_basis, value.bonus_share)
                terms.set_agreement(agreement, who.subject, at)
            elif isinstance(value, OperatingCostIn):
                terms.set_operating_cost(int(what), value.amount, who.subject, at)

        return public(park_id, await scorecards.terms.change(park_id, ledger.group_id, mutate))

    @router.get("/parks/{park_id}/targets")
    async def targets(park_id: str, who: CurrentPrincipal) -> TermsPublic:
        ledger = scorecards.ledger(park_id, who)
        return public(park_id, scorecards.terms.get(park_id, ledger.group_id))

    @router.put("/parks/{park_id}/targets/{kpi}")
    async def set_target(park_id: str, kpi: str, body: TargetIn, who: CurrentPrincipal) -> TermsPublic:
        return await change(park_id, who, kpi, body)

    @router.put("/parks/{park_id}/agreement")
    async def set_agreement(park_id: str, body: AgreementIn, who: CurrentPrincipal) -> TermsPublic:
        return await change(park_id, who, "agreement", body)

    @router.put("/parks/{park_id}/operating-costs/{year}")
    async def set_cost(park_id: str, year: int, body: OperatingCostIn, who: CurrentPrincipal) -> TermsPublic:
        return await change(park_id, who, str(year), body)

    @router.post("/parks/{park_id}/assessments/{period}", status_code=201)
    async def publish(park_id: str, period: str, who: CurrentPrincipal) -> AssessmentPublic:
        return AssessmentPublic(**(await assessments.publish(park_id, period, who)))

    @router.get("/parks/{park_id}/assessments/{period}")
    async def assessment(park_id: str, period: str, who: CurrentPrincipal) -> AssessmentPublic:
        doc, again = await assessments.get(park_id, period, who)
        fields = {k: doc[k] for k in ("park_id", "period", "type", "event", "published_by")}
        return AssessmentPublic(**fields, recomputed=again, recomputation_matches=again == doc["event"])

    @router.post("/parks/{park_id}/low-efficiency-scans", status_code=201)
    async def scan(park_id: str, body: ScanIn, who: CurrentPrincipal) -> list[LowEfficiencySpaceFlagged]:
        return await assessments.scan(
            park_id, body.as_of, body.max_vacant_days, Decimal(body.min_tax_per_m2), who
        )

    return router
