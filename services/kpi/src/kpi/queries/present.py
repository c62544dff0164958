"""Domain state -> HTTP models (`kpi.schemas`): the one place where a domain type becomes an answer."""

from decimal import Decimal

from parkops_contracts.events.leasing import ParkType

from kpi.domain.assessment import PublishedAssessment
from kpi.domain.measure import Measure
from kpi.domain.occupancy import OccupancyOn, ParkOccupancy
from kpi.domain.scoring import KpiScore, Scorecard
from kpi.domain.terms import ParkTerms
from kpi.schemas import (
    AssessmentPublic,
    FigurePublic,
    KpiPublic,
    OccupancyPublic,
    PurchasingPublic,
    ScorecardPublic,
    TargetPublic,
    TermsPublic,
    TrendPoint,
)


def occupancy_public(park: ParkOccupancy, on: OccupancyOn) -> OccupancyPublic:
    return OccupancyPublic(
        park_id=park.park_id,
        on=on.day,
        units_total=len(on.listed),
        units_leased=len(on.occupied),
        area_total_m2=on.area_total_m2,
        area_leased_m2=on.area_occupied_m2,
        occupancy_by_area=on.by_area,
        occupancy_by_count=on.by_count,
        tenants=on.tenants,
        events_applied=park.events_applied,
        as_of=park.as_of,
    )


def purchasing_public(figures: dict[str, int | Decimal]) -> PurchasingPublic:
    """Deals closed and their savings as reported (`measures_services.savings`)."""
    return PurchasingPublic(
        deals=int(figures["deals"]),
        value=Decimal(figures["value"]),
        savings=Decimal(figures["savings"]),
        deals_with_saving_percent=int(figures["deals_with_saving_percent"]),
        mean_saving_percent=(
            Decimal(figures["mean_saving_percent"]) if "mean_saving_percent" in figures else None
        ),
    )


def terms_public(terms: ParkTerms, park_type: ParkType | None) -> TermsPublic:
    return TermsPublic(
        park_id=terms.park_id,
        park_type=park_type,
        targets={
            k: TargetPublic(target=t.target, weight=t.weight, overridden=k in terms.overrides)
            for k, t in terms.targets(park_type).items()
        },
        agreement=terms.agreement_document(),
        changes=terms.changes,
    )


def assessment_public(assessment: PublishedAssessment) -> AssessmentPublic:
    assert assessment.event is not None, "only a published assessment is presented"
    fields = ("park_id", "period", "type", "event", "published_by")
    return AssessmentPublic(**{f: getattr(assessment, f) for f in fields})


def kpi_public(kpi: KpiScore, measure: Measure) -> KpiPublic:
    return KpiPublic(
        kpi=kpi.key,
        label=kpi.label,
        direction=kpi.direction.value,
        value=kpi.value,
        target=kpi.target,
        weight=kpi.weight,
        score=kpi.score,
        met=kpi.met,
        counts=measure.counts,
    )


def scorecard_public(card: Scorecard, trend: list[Scorecard]) -> ScorecardPublic:
    scored = {k.key for k in card.kpis}
    return ScorecardPublic(
        park_id=card.park_id,
        group_id=card.group_id,
        period=card.period,
        overall_score=card.overall,
        kpis=[kpi_public(k, card.measures[k.key]) for k in card.kpis],
        figures={
            key: FigurePublic(value=m.value, counts=m.counts)
            for key, m in sorted(card.measures.items())
            if key not in scored
        },
        pulling_down=card.pulling_down(),
        trend=[TrendPoint(period=c.period, overall_score=c.overall) for c in trend],
    )
