"""HTTP schemas of pricing, commitments, leases, renovations and metrics (inputs and outputs apart)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.leasing import RentLine, TerminationReason
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from leasing.domain.commitments import Benefit, PromisorKind
from leasing.domain.lease import Lease, LeaseStatus
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import EquityDeal, RuleLine
from leasing.domain.stage import LifecycleStage
from leasing.schemas import IndustryCode, Input, Slug


def _unique(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("a unit is listed more than once")
    return ids


TermMonths = Annotated[int, Field(gt=0, le=600, description="Lease term in months.")]


class PricingPolicyUpdate(PricingPolicy):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RentForEquityIn(Input):
    months_waived: int = Field(ge=1, le=120)
    equity_percent: Decimal = Field(gt=0, le=100, description="Equity received, in percent (1.5 = 1.5%).")


class QuoteCreate(Input):
    tenant_id: str = Field(min_length=1)
    unit_ids: Annotated[list[str], AfterValidator(_unique)] = Field(min_length=1)
    term_months: TermMonths
    starts_on: date
    rent_for_equity: RentForEquityIn | None = None


class LeaseCreate(QuoteCreate):
    pass


class LeaseRenew(Input):
    term_months: TermMonths
    rent_for_equity: RentForEquityIn | None = None


class LeaseTerminate(Input):
    terminated_on: date = Field(description="Last day the tenant occupies the units.")
    reason: TerminationReason


class EligibilityIn(Input):
    industry_prefixes: list[IndustryCode] = Field(default_factory=list)
    stages: list[LifecycleStage] = Field(default_factory=list)
    high_tech_only: bool = False


class CommitmentCreate(Input):
    commitment_id: Slug | None = None
    promisor_kind: PromisorKind
    promisor: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=1000)
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)
    benefit: Benefit
    valid_from: date
    valid_until: date

    @model_validator(mode="after")
    def _period(self) -> "CommitmentCreate":
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class RenovationCreate(Input):
    base_rent: Decimal = Field(gt=0, le=100_000, decimal_places=2, description="New CNY/m²/month.")


class MetricsReport(Input):
    year: int = Field(ge=1900, le=2200)
    tax_paid: Decimal = Field(ge=0)
    revenue: Decimal = Field(ge=0)
    headcount: int = Field(ge=0, le=10_000_000)
    valuation: Decimal | None = Field(default=None, ge=0)
    funding_raised: Decimal = Field(default=Decimal(0), ge=0)


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
                **lease.model_dump(exclude={"rents", "idempotency_key"}),
                "park_id": park_id,
                "total_rent": lease.total_rent,
                "schedule": lease.schedule(),
            }
        )
