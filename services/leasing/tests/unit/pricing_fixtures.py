"""Builders shared by the pricing tests."""

from datetime import date
from decimal import Decimal

from leasing.domain.commands import RegisterCommitment
from leasing.domain.commitments import Benefit, BenefitKind, Commitment, Eligibility, PromisorKind
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import Applicant, PricedUnit, QuoteTerms, RentForEquity
from leasing.domain.stage import LifecycleStage
from parkops_contracts.events.leasing import UnitType

POLICY = PricingPolicy(base_rents={UnitType.RND_BUILDING: Decimal(45), UnitType.OFFICE: Decimal(50)})


def applicant(
    leading: bool = True,
    high_tech: bool = False,
    founded_on: date = date(2015, 1, 1),
    industry: str = "C3973",
) -> Applicant:
    return Applicant(
        industry_code=industry, in_leading_industry=leading, high_tech=high_tech, founded_on=founded_on
    )


def terms(
    term_months: int = 12,
    starts_on: date = date(2027, 1, 1),
    area: str = "100",
    equity: RentForEquity | None = None,
) -> QuoteTerms:
    unit = PricedUnit(
        unit_id="u1", unit_type=UnitType.RND_BUILDING, area_m2=Decimal(area), base_rent=Decimal(45)
    )
    return QuoteTerms(units=[unit], term_months=term_months, starts_on=starts_on, rent_for_equity=equity)


def commitment(
    cid: str = "c1",
    months: int | None = 24,
    rate: str | None = None,
    prefixes: tuple[str, ...] = ("C39",),
    stages: tuple[LifecycleStage, ...] = (LifecycleStage.STARTUP,),
    valid: tuple[date, date] = (date(2026, 1, 1), date(2028, 12, 31)),
    kind: PromisorKind = PromisorKind.GOVERNMENT,
) -> Commitment:
    benefit = (
        Benefit(kind=BenefitKind.RENT_FREE_MONTHS, months=months)
        if rate is None
        else Benefit(kind=BenefitKind.DISCOUNT, rate=Decimal(rate))
    )
    return Commitment(
        commitment_id=cid,
        promisor_kind=kind,
        promisor="District government",
        description=benefit.describe() + " for IC-design startups",
        eligibility=Eligibility(industry_prefixes=list(prefixes), stages=list(stages)),
        benefit=benefit,
        valid_from=valid[0],
        valid_until=valid[1],
    )


def register(commitment: Commitment) -> RegisterCommitment:
    """The command that registers this commitment under its own id."""
    return RegisterCommitment(commitment, commitment.commitment_id)
