"""HTTP bodies of the kpi service. Ratios are fractions (0.9 = 90%), times hours, money CNY."""

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from kpi.domain.measure import Measure
from kpi.domain.scoring import KpiScore, Scorecard
from kpi.domain.terms import BonusBasis


class KpiPublic(BaseModel):
    kpi: str
    label: str
    direction: str
    value: Decimal | None
    target: Decimal
    weight: Decimal
    score: Decimal | None
    met: bool | None
    counts: dict[str, int | Decimal]

    @classmethod
    def of(cls, kpi: KpiScore, measure: Measure) -> "KpiPublic":
        return cls(
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


class FigurePublic(BaseModel):
    value: Decimal | None
    counts: dict[str, int | Decimal]


class TrendPoint(BaseModel):
    period: str
    overall_score: Decimal | None


class ScorecardPublic(BaseModel):
    park_id: str
    group_id: str
    period: str
    overall_score: Decimal | None
    kpis: list[KpiPublic]
    figures: dict[str, FigurePublic] = Field(description="Every other number computed for the period.")
    pulling_down: list[str]
    trend: list[TrendPoint]

    @classmethod
    def of(cls, card: Scorecard, trend: list[Scorecard]) -> "ScorecardPublic":
        scored = {k.key for k in card.kpis}
        return cls(
            park_id=card.park_id,
            group_id=card.group_id,
            period=card.period,
            overall_score=card.overall,
            kpis=[KpiPublic.of(k, card.measures[k.key]) for k in card.kpis],
            figures={
                key: FigurePublic(value=m.value, counts=m.counts)
                for key, m in sorted(card.measures.items())
                if key not in scored
            },
            pulling_down=card.pulling_down(),
            trend=[TrendPoint(period=c.period, overall_score=c.overall) for c in trend],
        )


class DrillDown(BaseModel):
    park_id: str
    period: str
    kpi: str
    value: Decimal | None
    counts: dict[str, int | Decimal]
    event_count: int
    event_ids: list[str]


class SeriesPoint(BaseModel):
    period: str
    value: Decimal | None
    score: Decimal | None


class PortfolioEntry(BaseModel):
    rank: int
    park_id: str
    overall_score: Decimal | None
    pulling_down: list[KpiPublic]


class Portfolio(BaseModel):
    group_id: str
    period: str
    parks: list[PortfolioEntry]


class TargetIn(BaseModel):
    target: Decimal
    weight: Decimal = Field(ge=0, le=100)


class AgreementIn(BaseModel):
    kpis: list[str] = Field(min_length=1)
    bonus_basis: BonusBasis
    bonus_share: Decimal = Field(gt=0, le=1)


class OperatingCostIn(BaseModel):
    amount: Decimal = Field(gt=0)


class TargetPublic(BaseModel):
    target: Decimal
    weight: Decimal
    overridden: bool


class TermsPublic(BaseModel):
    park_id: str
    park_type: str | None
    targets: dict[str, TargetPublic]
    agreement: dict[str, Any] | None
    operating_costs: dict[str, Decimal]
    changes: list[dict[str, Any]]


class ScanIn(BaseModel):
    as_of: date
    max_vacant_days: int = Field(default=180, ge=0)
    min_tax_per_m2: Decimal = Field(default=Decimal(2000), ge=0)


class AssessmentPublic(BaseModel):
    park_id: str
    period: str
    type: str
    event: dict[str, Any]
    published_by: str
    recomputed: dict[str, Any] | None = None
    recomputation_matches: bool | None = None
