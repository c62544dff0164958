"""HTTP models of parks, units, tenants and tenants' yearly metrics."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_kernel.bounds import Area, BusinessDate, Code, Money, Name, PastDate, Year
from pydantic import AfterValidator, Field

from leasing.domain.commands import (
    ListUnit,
    OnboardTenant,
    RegisterPark,
    RenovateUnit,
    ReportMetrics,
    StartRenovation,
)
from leasing.domain.credit_code import credit_code_problem
from leasing.domain.policy import BaseRent
from leasing.domain.space import UnitStatus
from leasing.domain.tenants import EnterpriseProfile
from leasing.domain.tenants import YearlyMetrics as Metrics
from leasing.schemas import MAX_INDUSTRIES, Headcount, IndustryCode, Input, Output, Slug, UnitIds


def _valid_credit_code(code: str) -> str:
    problem = credit_code_problem(code)
    if problem:
        raise ValueError(f"invalid unified social credit code: {problem}")
    return code


class ParkCreate(Input):
    name: Name
    park_type: ParkType
    leading_industries: list[IndustryCode] = Field(min_length=1, max_length=MAX_INDUSTRIES)
    park_id: Slug | None = Field(
        default=None,
        description="Optional readable id, unique across all groups; generated when absent. "
        "An id already registered (by any group) is 409 `park id … is taken`, telling nothing else.",
    )

    def command(self, group_id: str) -> RegisterPark:
        return RegisterPark(group_id, self.name, self.park_type, self.leading_industries, self.park_id)


class ParkPublic(Output):
    park_id: str
    group_id: str
    name: str
    park_type: ParkType
    leading_industries: list[str]
    unit_count: int
    tenant_count: int | None = Field(description="None for tenant users: a park-wide figure.")


class UnitCreate(Input):
    building: Code
    floor: int = Field(ge=-5, le=200)
    unit_number: Code
    unit_type: UnitType
    area_m2: Area
    listed_on: BusinessDate | None = Field(
        default=None,
        description="The business date the unit came on the market: not after today (default today). "
        "A park brought in with its past gives the day, so occupancy on earlier dates counts the unit.",
    )

    def command(self) -> ListUnit:
        return ListUnit(
            self.building, self.floor, self.unit_number, self.unit_type, self.area_m2, self.listed_on
        )


class UnitPublic(Output):
    unit_id: str
    park_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    status: UnitStatus = Field(description="On the day asked (`on`, default today), from the leases.")
    tenant_id: str | None = Field(
        description="The tenant whose lease covers the unit that day; for a tenant user only itself."
    )
    base_rent: Decimal | None = Field(default=None, description="Own CNY/m²/month after a renovation.")
    listed_on: date | None = Field(
        default=None, description="On the market from this day (None: listed long ago)."
    )


def renovation_start(unit_id: str) -> StartRenovation:
    """What `POST .../renovations/start` asks: it has no body."""
    return StartRenovation(unit_id)


class RenovationCreate(Input):
    base_rent: BaseRent

    def command(self, unit_id: str) -> RenovateUnit:
        return RenovateUnit(unit_id, self.base_rent)


class TenantCreate(Input):
    name: Name
    credit_code: Annotated[Code, AfterValidator(_valid_credit_code)]
    industry_code: IndustryCode
    high_tech: bool = False
    founded_on: PastDate
    headcount: Headcount
    unit_ids: UnitIds = Field(
        description="The units the enterprise asks for: occupied (billed, on the rent roll) only once a "
        "lease covers them."
    )
    onboarded_on: BusinessDate | None = Field(
        default=None, description="The business date of the onboarding: not after today (default today)."
    )

    def command(self) -> OnboardTenant:
        profile = EnterpriseProfile.model_validate(self.model_dump(exclude={"unit_ids", "onboarded_on"}))
        return OnboardTenant(profile, self.unit_ids, self.onboarded_on)


class TenantPublic(Output):
    tenant_id: str
    park_id: str
    name: str
    credit_code: str
    industry_code: str
    in_leading_industry: bool
    high_tech: bool
    founded_on: date
    headcount: int
    unit_ids: list[str]
    onboarded_at: datetime
    onboarded_on: date


class MetricsReport(Input):
    year: Year
    tax_paid: Money
    revenue: Money
    headcount: Headcount
    valuation: Money | None = None
    funding_raised: Money = Decimal(0)

    def command(self, tenant_id: str) -> ReportMetrics:
        return ReportMetrics(tenant_id, Metrics.model_validate(self.model_dump()))


class YearlyMetrics(Output):
    """One year of a tenant's figures, CNY amounts."""

    year: int = Field(ge=1900, le=2200)
    tax_paid: Decimal = Field(ge=0)
    revenue: Decimal = Field(ge=0)
    headcount: int = Field(ge=0)
    valuation: Decimal | None = Field(default=None, ge=0)
    funding_raised: Decimal = Field(default=Decimal(0), ge=0)
