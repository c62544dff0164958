"""Tenant enterprises: their profile and the yearly metrics they report."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from leasing.domain.stage import LifecycleStage, stage_on


class EnterpriseProfile(BaseModel):
    name: str
    credit_code: str
    industry_code: str
    high_tech: bool
    founded_on: date
    headcount: int


class YearlyMetrics(BaseModel):
    """One year of a tenant's figures, CNY amounts."""

    year: int = Field(ge=1900, le=2200)
    tax_paid: Decimal = Field(ge=0)
    revenue: Decimal = Field(ge=0)
    headcount: int = Field(ge=0)
    valuation: Decimal | None = Field(default=None, ge=0)
    funding_raised: Decimal = Field(default=Decimal(0), ge=0)


class Tenant(EnterpriseProfile):
    tenant_id: str
    unit_ids: list[str]
    in_leading_industry: bool
    onboarded_at: datetime
    onboarded_on: date | None = None  # None: stored before business dates were kept (onboarded_at's day)
    metrics: dict[int, YearlyMetrics] = Field(default_factory=dict)

    @property
    def onboarding_day(self) -> date:
        return self.onboarded_on or self.onboarded_at.date()

    def stage_on(self, day: date) -> LifecycleStage:
        return stage_on(self.founded_on, day)
