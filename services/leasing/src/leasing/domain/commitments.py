"""The register of policy commitments: what a government body or the operator promised, to whom, when.

Every quote is checked against the commitments active on its start date; two active commitments that
promise the same kind of benefit, in different amounts, to an overlapping group of tenants contradict
each other and cannot both be registered."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from parkops_kernel.bounds import Ratio
from pydantic import BaseModel, ConfigDict, Field, model_validator

from leasing.domain.stage import LifecycleStage


class PromisorKind(StrEnum):
    GOVERNMENT = "government"
    OPERATOR = "operator"


class BenefitKind(StrEnum):
    RENT_FREE_MONTHS = "rent_free_months"
    DISCOUNT = "discount"


class Benefit(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: BenefitKind
    months: int | None = Field(default=None, ge=1, le=120, description="For rent_free_months.")
    rate: Annotated[Ratio, Field(gt=0, lt=1)] | None = Field(
        default=None, description="For discount, e.g. 0.5 = 50%."
    )

    @model_validator(mode="after")
    def _amount_matches_kind(self) -> "Benefit":
        if self.kind is BenefitKind.RENT_FREE_MONTHS and (self.months is None or self.rate is not None):
            raise ValueError("a rent_free_months benefit needs months and no rate")
        if self.kind is BenefitKind.DISCOUNT and (self.rate is None or self.months is not None):
            raise ValueError("a discount benefit needs rate and no months")
        return self

    def describe(self) -> str:
        if self.kind is BenefitKind.RENT_FREE_MONTHS:
            return f"{self.months} months rent-free"
        return f"{((self.rate or Decimal(0)) * 100).normalize():f}% discount"


class Eligibility(BaseModel):
    """Who benefits; an empty list means no restriction on that criterion."""

    model_config = ConfigDict(frozen=True)

    industry_prefixes: list[str] = Field(default_factory=list)
    stages: list[LifecycleStage] = Field(default_factory=list)
    high_tech_only: bool = False

    def admits(self, industry_code: str, stage: LifecycleStage, high_tech: bool) -> bool:
        industry_ok = not self.industry_prefixes or any(
            industry_code.startswith(p) for p in self.industry_prefixes
        )
        return (
            industry_ok
            and (not self.stages or stage in self.stages)
            and (high_tech or not self.high_tech_only)
        )

    def overlaps(self, other: "Eligibility") -> bool:
        """Whether some tenant could be eligible under both."""
        industries = (
            not self.industry_prefixes
            or not other.industry_prefixes
            or any(
                a.startswith(b) or b.startswith(a)
                for a in self.industry_prefixes
                for b in other.industry_prefixes
            )
        )
        stages = not self.stages or not other.stages or bool(set(self.stages) & set(other.stages))
        return industries and stages


class Promise(BaseModel):
    """What was promised, by whom, to whom, for when: a commitment before the register names it."""

    model_config = ConfigDict(frozen=True)

    promisor_kind: PromisorKind
    promisor: str = Field(description="Who promised, e.g. 'Suzhou Industrial Park Administrative Committee'.")
    description: str = Field(description="What was promised, in words.")
    eligibility: Eligibility
    benefit: Benefit
    valid_from: date
    valid_until: date


class Commitment(Promise):
    commitment_id: str

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def applies(self, day: date, industry_code: str, stage: LifecycleStage, high_tech: bool) -> bool:
        return self.active_on(day) and self.eligibility.admits(industry_code, stage, high_tech)

    def contradicts(self, other: "Commitment") -> bool:
        """Same kind of benefit, different amount, overlapping validity and eligibility."""
        return (
            self.benefit.kind is other.benefit.kind
            and self.benefit != other.benefit
            and self.valid_from <= other.valid_until
            and other.valid_from <= self.valid_until
            and self.eligibility.overlaps(other.eligibility)
        )

    def label(self) -> str:
        return f"{self.commitment_id} ({self.promisor_kind.value} {self.promisor}: {self.description})"
