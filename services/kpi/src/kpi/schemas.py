"""HTTP bodies and parameters of the kpi service. Ratios are fractions (0.9 = 90%), times hours, money CNY.

Every input is bounded (`parkops_kernel.bounds`): anything outside is a 422 naming the field."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Path, Query
from parkops_kernel.bounds import (
    FIRST_DAY,
    LAST_DAY,
    BusinessDate,
    Code,
    Money,
    Percent,
    Ratio,
)
from parkops_kernel.errors import Unprocessable
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from kpi.domain.periods import parse_period


class BonusBasis(StrEnum):  # what an operator's bonus is a share of (kpi.domain.agreement's own, on HTTP)
    REVENUE = "revenue"
    TAX_GROWTH = "tax_growth"


class OccupancyPublic(BaseModel):
    """Occupancy on a day from leasing's `UnitOccupied` spans: units listed by then, those occupied."""

    park_id: str
    on: date
    units_total: int
    units_leased: int
    area_total_m2: Decimal
    area_leased_m2: Decimal
    occupancy_by_area: Decimal
    occupancy_by_count: Decimal
    tenants: int = Field(description="Tenants occupying a unit that day.")
    events_applied: int
    as_of: datetime | None


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


class PurchasingPublic(BaseModel):
    """Deals closed in the period and their purchasing savings as matchmaking reported them (not scored)."""

    deals: int
    value: Decimal
    savings: Decimal
    deals_with_saving_percent: int
    mean_saving_percent: Decimal | None = Field(description="Mean of the reported saving %s.")


class PortfolioEntry(BaseModel):
    rank: int
    park_id: str
    overall_score: Decimal | None
    purchasing: PurchasingPublic
    pulling_down: list[KpiPublic]


class Portfolio(BaseModel):
    group_id: str
    period: str
    purchasing: PurchasingPublic = Field(description="The group's parks together.")
    parks: list[PortfolioEntry]


def _period_label(label: str) -> str:
    try:
        parse_period(label)
    except Unprocessable as exc:
        raise ValueError(str(exc)) from exc
    return label


PeriodLabel = Annotated[str, StringConstraints(max_length=10), AfterValidator(_period_label)]
PeriodPath = Annotated[PeriodLabel, Path(description="YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, 1900-2199.")]
FromQuery = Annotated[PeriodLabel, Query(alias="from")]
ToQuery = Annotated[PeriodLabel, Query(alias="to")]
KpiPath = Annotated[str, Path(max_length=50)]
OnQuery = Annotated[
    BusinessDate | None, Query(description="The day, YYYY-MM-DD (1900-2199); today if absent.")
]

TargetValue = Annotated[Decimal, Field(ge=-1, le=1_000_000, decimal_places=6, allow_inf_nan=False)]
"""The widest range of any KPI (tax growth from -1, tax per m² up to 10^6); each KPI's own range is
checked by `kpi.domain.targets`."""
Share = Annotated[Ratio, Field(gt=0)]
MAX_VACANT_DAYS = (LAST_DAY - FIRST_DAY).days


class TargetIn(BaseModel):
    target: TargetValue
    weight: Percent


class AgreementIn(BaseModel):
    kpis: list[Code] = Field(min_length=1, max_length=50)
    bonus_basis: BonusBasis
    bonus_share: Share


class TargetPublic(BaseModel):
    target: Decimal
    weight: Decimal
    overridden: bool


class TermsPublic(BaseModel):
    park_id: str
    park_type: str | None
    targets: dict[str, TargetPublic]
    agreement: dict[str, Any] | None
    changes: list[dict[str, Any]]


class ScanIn(BaseModel):
    as_of: BusinessDate
    max_vacant_days: int = Field(default=180, ge=0, le=MAX_VACANT_DAYS)
    min_tax_per_m2: Money = Decimal(2000)


class AssessmentPublic(BaseModel):
    park_id: str
    period: str
    type: str
    event: dict[str, Any]
    published_by: str
    recomputed: dict[str, Any] | None = None
    recomputation_matches: bool | None = None
