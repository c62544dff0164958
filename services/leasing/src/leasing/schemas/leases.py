"""HTTP models of the pricing policy, the commitment register, quotes and leases."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.leasing import RentLine, TerminationReason, UnitType
from parkops_kernel.bounds import BusinessDate, ClientId, Name, Percent, Ratio, Text
from pydantic import AfterValidator, ConfigDict, Field, ValidationError, model_validator

from leasing.domain import commitments, policy
from leasing.domain.commands import (
    QuoteLease,
    RegisterCommitment,
    RenewLease,
    SetPricingPolicy,
    SignLease,
    TerminateLease,
)
from leasing.domain.commitments import BenefitKind, PromisorKind
from leasing.domain.lease import LeaseStatus
from leasing.domain.quote import RentForEquity, Rule
from leasing.domain.stage import LifecycleStage
from leasing.schemas import MAX_INDUSTRIES, IndustryCode, Input, Output, Slug, UnitIds


def _unique(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("a unit is listed more than once")
    return ids


TermMonths = Annotated[int, Field(gt=0, le=600, description="Lease term in months.")]


class PricingPolicy(Output):
    """Rates are fractions (0.2 = 20%). The ranges are those of `docs/domain.md`."""

    model_config = ConfigDict(frozen=True)

    base_rents: dict[UnitType, policy.BaseRent] = Field(
        default_factory=dict, description="Base rent per unit type, CNY/m²/month."
    )
    industry_fit_discount: policy.IndustryFitDiscount = Decimal("0.20")
    unrelated_industry_premium: policy.UnrelatedIndustryPremium = Decimal("0.10")
    long_lease_step_down: policy.LongLeaseStepDown = Decimal("0.05")
    long_lease_min_months: policy.LongLeaseMinMonths = 36
    startup_rent_free_months: policy.StartupRentFreeMonths = 6


class PricingPolicyUpdate(PricingPolicy):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def command(self) -> SetPricingPolicy:
        return SetPricingPolicy(policy.PricingPolicy.model_validate(self.model_dump()))


class RentForEquityIn(Input):
    months_waived: int = Field(ge=1, le=120)
    equity_percent: Annotated[Percent, Field(gt=0)] = Field(
        description="Equity received, in percent (1.5 = 1.5%)."
    )


def _equity(body: RentForEquityIn | None) -> RentForEquity | None:
    return RentForEquity.model_validate(body.model_dump()) if body else None


class QuoteCreate(Input):
    tenant_id: ClientId
    unit_ids: Annotated[UnitIds, AfterValidator(_unique)]
    term_months: TermMonths
    starts_on: BusinessDate
    rent_for_equity: RentForEquityIn | None = None

    def command(self) -> QuoteLease:
        equity = _equity(self.rent_for_equity)
        return SignLease(self.tenant_id, self.unit_ids, self.term_months, self.starts_on, equity)


class LeaseCreate(QuoteCreate):
    pass


class LeaseRenew(Input):
    term_months: TermMonths
    rent_for_equity: RentForEquityIn | None = None

    def command(self, lease_id: str) -> RenewLease:
        return RenewLease(lease_id, self.term_months, _equity(self.rent_for_equity))


class LeaseTerminate(Input):
    terminated_on: BusinessDate = Field(description="Last day the tenant occupies the units.")
    reason: TerminationReason

    def command(self, lease_id: str) -> TerminateLease:
        return TerminateLease(lease_id, self.terminated_on, self.reason)


class EligibilityIn(Input):
    industry_prefixes: list[IndustryCode] = Field(default_factory=list, max_length=MAX_INDUSTRIES)
    stages: list[LifecycleStage] = Field(default_factory=list, max_length=len(LifecycleStage))
    high_tech_only: bool = False


class Benefit(Output):
    model_config = ConfigDict(frozen=True)

    kind: BenefitKind
    months: int | None = Field(default=None, ge=1, le=120, description="For rent_free_months.")
    rate: Annotated[Ratio, Field(gt=0, lt=1)] | None = Field(
        default=None, description="For discount, e.g. 0.5 = 50%."
    )


class BenefitIn(Benefit):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _amount_matches_kind(self) -> "BenefitIn":
        try:
            commitments.Benefit.model_validate(self.model_dump())
        except ValidationError as e:  # the domain's rule, said as this field's problem
            raise ValueError(e.errors()[0]["msg"].removeprefix("Value error, ")) from None
        return self


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

    def command(self) -> RegisterCommitment:
        promise = commitments.Promise.model_validate(self.model_dump(exclude={"commitment_id"}))
        return RegisterCommitment(promise, self.commitment_id)


class Eligibility(Output):
    """Who benefits; an empty list means no restriction on that criterion."""

    industry_prefixes: list[str] = Field(default_factory=list)
    stages: list[LifecycleStage] = Field(default_factory=list)
    high_tech_only: bool = False


class Commitment(Output):
    commitment_id: str
    promisor_kind: PromisorKind
    promisor: str = Field(description="Who promised, e.g. 'Suzhou Industrial Park Administrative Committee'.")
    description: str = Field(description="What was promised, in words.")
    eligibility: Eligibility
    benefit: Benefit
    valid_from: date
    valid_until: date


class RuleLine(Output):
    """One rule applied to the quote, explained in words."""

    rule: Rule
    explanation: str
    rate: Decimal | None = None
    months: int | None = None
    commitment_id: str | None = None


class ScheduleLine(Output):
    """One lease month: `gross_rent` before any rule, `rent` payable (both rounded half-up to 0.01)."""

    month: int = Field(ge=1)
    starts_on: date
    ends_on: date
    gross_rent: Decimal
    rent: Decimal
    rule: Rule | None = Field(default=None, description="The rule that zeroed this month, if any.")


class EquityDeal(Output):
    months_waived: int
    equity_percent: Decimal
    waived_amount: Decimal = Field(description="Rent the waived months would have cost, CNY.")
    implied_valuation: Decimal = Field(description="waived_amount / equity_percent%, CNY.")


class Quote(Output):
    starts_on: date
    ends_on: date
    term_months: int
    unit_ids: list[str]
    area_m2: Decimal
    lifecycle_stage: LifecycleStage
    monthly_base_rent: Decimal = Field(description="Sum of area x base rent, CNY/month, rounded.")
    discount_rate: Decimal = Field(description="Effective discount (industry fit or a commitment).")
    premium_rate: Decimal = Field(description="Effective unrelated-industry premium.")
    rent_free_months: int
    rules: list[RuleLine]
    schedule: list[ScheduleLine]
    total_rent: Decimal
    equity: EquityDeal | None = None


class LeasePublic(Output):
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
