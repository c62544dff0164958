"""Events published by the kpi service (operator assessment and low-efficiency space).

Ratios are fractions (0.9 = 90%), amounts CNY. Kafka key = the park."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from parkops_contracts.base import Event


class KpiEvent(Event):
    SERVICE: ClassVar[str] = "kpi"
    KEY_FIELD: ClassVar[str] = "park_id"


class KpiResult(BaseModel):
    """One KPI of the operator agreement: its value in the period (none = no data) and its target."""

    model_config = ConfigDict(frozen=True)

    kpi: str
    value: Decimal | None
    target: Decimal
    met: bool


class OperatorBonusEarned(KpiEvent):
    """Every KPI of the operator agreement was met in the period: the operator earns its bonus, a share of
    the park's revenue or of its tax growth in the period (finance books it)."""

    assessment_id: str
    period: str = Field(description="YYYY, YYYY-Qn or YYYY-MM.")
    results: list[KpiResult]
    overall_score: Decimal | None
    bonus_basis: str = Field(description="revenue or tax_growth.")
    basis_amount: Decimal = Field(ge=0)
    bonus_share: Decimal = Field(gt=0, le=1)
    amount: Decimal = Field(ge=0)
    assessed_at: datetime


class KpiTargetMissed(KpiEvent):
    """At least one KPI of the operator agreement was missed in the period: no bonus."""

    assessment_id: str
    period: str
    results: list[KpiResult]
    missed: list[str]
    overall_score: Decimal | None
    assessed_at: datetime


class LowEfficiencySpaceFlagged(KpiEvent):
    """A unit vacant longer than the threshold, or a tenant paying less tax per m² than the threshold."""

    flag_id: str
    reason: str = Field(description="vacant_too_long or low_tax_per_m2.")
    unit_id: str | None = None
    tenant_id: str | None = None
    vacant_days: int | None = None
    tax_per_m2: Decimal | None = None
    threshold: Decimal
    as_of: date
    flagged_at: datetime


PUBLISHED: tuple[type[Event], ...] = (OperatorBonusEarned, KpiTargetMissed, LowEfficiencySpaceFlagged)
