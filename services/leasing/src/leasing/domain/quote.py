"""What a quote is made of: the priced inputs, the explained rules and the month-by-month schedule."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_contracts.events.leasing import UnitType
from pydantic import BaseModel, ConfigDict, Field

from leasing.domain.stage import LifecycleStage


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Applicant(Frozen):
    """The facts about the tenant that pricing looks at."""

    industry_code: str
    in_leading_industry: bool
    high_tech: bool
    founded_on: date


class PricedUnit(Frozen):
    unit_id: str
    unit_type: UnitType
    area_m2: Decimal = Field(gt=0)
    base_rent: Decimal = Field(gt=0, description="CNY/m²/month: the unit's own (renovated) or the park's.")


class RentForEquity(Frozen):
    """Waive `months_waived` months of rent in exchange for `equity_percent`% of the tenant's equity."""

    months_waived: int = Field(ge=1, le=120)
    equity_percent: Decimal = Field(gt=0, le=100)


class QuoteTerms(Frozen):
    units: list[PricedUnit] = Field(min_length=1)
    term_months: int = Field(ge=1, le=600)
    starts_on: date
    rent_for_equity: RentForEquity | None = None


class Rule(StrEnum):
    BASE_RENT = "base_rent"
    INDUSTRY_FIT_DISCOUNT = "industry_fit_discount"
    UNRELATED_INDUSTRY_PREMIUM = "unrelated_industry_premium"
    LONG_LEASE_STEP_DOWN = "long_lease_step_down"
    STARTUP_RENT_FREE = "startup_rent_free"
    POLICY_COMMITMENT = "policy_commitment"
    RENT_FOR_EQUITY = "rent_for_equity"


class RuleLine(Frozen):
    """One rule applied to the quote, explained in words."""

    rule: Rule
    explanation: str
    rate: Decimal | None = None
    months: int | None = None
    commitment_id: str | None = None


class ScheduleLine(Frozen):
    """One lease month: `gross_rent` before any rule, `rent` payable (both rounded half-up to 0.01)."""

    month: int = Field(ge=1)
    starts_on: date
    ends_on: date
    gross_rent: Decimal
    rent: Decimal
    rule: Rule | None = Field(default=None, description="The rule that zeroed this month, if any.")


class EquityDeal(Frozen):
    months_waived: int
    equity_percent: Decimal
    waived_amount: Decimal = Field(description="Rent the waived months would have cost, CNY.")
    implied_valuation: Decimal = Field(description="waived_amount / equity_percent%, CNY.")


class Quote(Frozen):
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
