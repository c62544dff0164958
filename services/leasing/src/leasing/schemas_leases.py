"""HTTP schemas of pricing, commitments, leases, renovations and metrics (inputs and outputs apart)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.leasing import RentLine, TerminationReason
from parkops_kernel.bounds import BusinessDate, ClientId, Money, Name, Percent, Text, Year
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from leasing.domain.commitments import Benefit, PromisorKind
from leasing.domain.lease import Lease, LeaseStatus
from leasing.domain.policy import BaseRent, PricingPolicy
from leasing.domain.quote import EquityDeal, RuleLine
from leasing.domain.stage import LifecycleStage
from leasing.schemas import MAX_INDUSTRIES, Headcount, IndustryCode, Input, Slug, UnitIds


def _unique(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("a unit is listed more than once")
    return ids


TermMonths = Annotated[int, Field(gt=0, le=600, description="Lease term in months.")]


class PricingPolicyUpdate(PricingPolicy):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RentForEquityIn(Input):
    months_waived: int = Field(ge=1, le=120)
    equity_percent: Annotated[Percent, Field(gt=0)] = Field(
        description="Equity received, in percent (1.5 = 1.5%)."
    )


class QuoteCreate(Input):
    tenant_id: ClientId
    unit_ids: Annotated[UnitIds, AfterValidator(_unique)]
    term_months: TermMonths
    starts_on: BusinessDate
    rent_for_equity: RentForEquityIn | None = None


class LeaseCreate(QuoteCreate):
    pass


class LeaseRenew(Input):
    term_months: TermMonths
    rent_for_equity: RentForEquityIn | None = None


class LeaseTerminate(Input):
    terminated_on: BusinessDate = Field(description="Last day the tenant occupies the units.")
    reason: TerminationReason


class EligibilityIn(Input):
    industry_prefixes: list[IndustryCode] = Field(default_factory=list, max_length=MAX_INDUSTRIES)
    stages: list[LifecycleStage] = Field(default_factory=list, max_length=len(LifecycleStage))
    high_tech_only: bool = False


class BenefitIn(Benefit):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommitmentCreate(Input):
    commitment_id: Slug | None = None
    promisor_kind: PromisorKind
    promisor: Name
    description: Text
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)
    benefit: BenefitIn
    valid_from: BusinessDate
    valid_until: BusinessDate

    @model_validator(mode="after")
    def _period(self) -> "CommitmentCreate":
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class RenovationCreate(Input):
    base_rent: BaseRent


class MetricsReport(Input):
    year: Year
    tax_paid: Money
    revenue: Money
    headcount: Headcount
    valuation: Money | None = None
    funding_raised: Money = Decimal(0)


class LeasePublic(BaseModel):
    lease_id: str
    park_id: str
    tenant_id: str
    unit_ids: list[str]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    term_months: int
    status: LeaseStatus
    renewal_of: str | None
    renewal_number: int
    renewed_by: str | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    monthly_base_rent: Decimal
    total_rent: Decimal
    rules: list[RuleLine]
    equity: EquityDeal | None
    schedule: list[RentLine]
    signed_at: datetime

    @classmethod
    def of(cls, park_id: str, lease: Lease) -> "LeasePublic":
        return cls.model_validate(
            {
                **lease.model_dump(exclude={"rents"}),
                "park_id": park_id,
                "total_rent": lease.total_rent,
                "schedule": lease.schedule(),
            }
        )
