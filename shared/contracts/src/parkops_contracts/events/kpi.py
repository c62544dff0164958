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


class KpiTerm(BaseModel):
    """A KPI's target and weight in a park's terms."""

    model_config = ConfigDict(frozen=True)

    kpi: str
    target: Decimal
    weight: int = Field(ge=0, le=100)


class OperatorAgreement(BaseModel):
    """The KPIs the operator must all meet, what its bonus is a share of, and the share."""

    model_config = ConfigDict(frozen=True)

    kpis: list[str]
    bonus_basis: str = Field(description="revenue or tax_growth.")
    bonus_share: Decimal = Field(gt=0, le=1)


class Terms(BaseModel):
    """A park's scoring terms as a whole: every KPI's target and weight, and the operator agreement."""

    model_config = ConfigDict(frozen=True)

    kpis: list[KpiTerm]
    agreement: OperatorAgreement | None = None


class KpiTermsChanged(KpiEvent):
    """A group admin changed a park's terms; `terms` are the whole terms after the change. kpi rebuilt
    from the topics alone folds these back, so scorecards never depend on state without an event."""

    terms: Terms
    change: str = Field(description="What changed, e.g. target:occupancy_rate or agreement.")
    changed_by: str
    changed_at: datetime


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
    terms: Terms | None = Field(default=None, description="The terms the assessment used.")
    assessed_by: str | None = Field(default=None, description="Who published the assessment.")


class KpiTargetMissed(KpiEvent):
    """At least one KPI of the operator agreement was missed in the period: no bonus."""

    assessment_id: str
    period: str
    results: list[KpiResult]
    missed: list[str]
    overall_score: Decimal | None
    assessed_at: datetime
    terms: Terms | None = Field(default=None, description="The terms the assessment used.")
    assessed_by: str | None = Field(default=None, description="Who published the assessment.")


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


PUBLISHED: tuple[type[Event], ...] = (
    OperatorBonusEarned,
    KpiTargetMissed,
    LowEfficiencySpaceFlagged,
    KpiTermsChanged,
)
