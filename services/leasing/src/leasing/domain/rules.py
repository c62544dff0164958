"""The pricing rules as decisions: which discount or premium, step-down and rent-free months apply.

Policy commitments are applied last and only ever improve the offer: a quote that would contradict an
active, applicable commitment is corrected to honour it, with a line saying why."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from leasing.domain.commitments import BenefitKind, Commitment
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import Applicant, QuoteTerms, Rule, RuleLine
from leasing.domain.stage import LifecycleStage, stage_on

ZERO = Decimal(0)
WHY = {  # the explanation of each rule, told with its facts; its rate is said as a percentage
    Rule.INDUSTRY_FIT_DISCOUNT: "industry {industry} {why}: {rate} discount",
    Rule.UNRELATED_INDUSTRY_PREMIUM: (
        "industry {industry} unrelated to the park's leading industries and not high-tech: {rate} premium"
    ),
    Rule.LONG_LEASE_STEP_DOWN: (
        "lease of {term} months (≥ {least}): rent steps down {rate} each lease year, compounding"
    ),
    Rule.STARTUP_RENT_FREE: (
        "startup (founded {founded}, under 2 years old on {starts}): first {months} months rent-free"
    ),
}


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@dataclass
class Decision:
    stage: LifecycleStage
    discount: Decimal = ZERO
    premium: Decimal = ZERO
    step_down: Decimal = ZERO
    free_months: int = 0
    free_rule: Rule = Rule.STARTUP_RENT_FREE
    lines: list[RuleLine] = field(default_factory=list)

    @property
    def factor(self) -> Decimal:
        return 1 - self.discount + self.premium  # never both: decide() keeps one of them at zero

    def explain(
        self, rule: Rule, rate: Decimal | None = None, months: int | None = None, **facts: object
    ) -> None:
        """Adds the line saying why `rule` applies (`WHY`, told with `facts`), with its rate or months."""
        said = WHY[rule].format(rate=pct(rate or ZERO), months=months, **facts)
        self.lines.append(RuleLine(rule=rule, explanation=said, rate=rate, months=months))


def decide(
    terms: QuoteTerms, applicant: Applicant, policy: PricingPolicy, commitments: Sequence[Commitment]
) -> Decision:
    d = Decision(stage=stage_on(applicant.founded_on, terms.starts_on))
    _industry_fit(d, applicant, policy)
    if terms.term_months >= policy.long_lease_min_months and policy.long_lease_step_down > 0:
        d.step_down = policy.long_lease_step_down
        least = policy.long_lease_min_months
        d.explain(Rule.LONG_LEASE_STEP_DOWN, rate=d.step_down, term=terms.term_months, least=least)
    if d.stage is LifecycleStage.STARTUP and policy.startup_rent_free_months > 0:
        d.free_months = policy.startup_rent_free_months
        founded, starts = applicant.founded_on, terms.starts_on
        d.explain(Rule.STARTUP_RENT_FREE, months=d.free_months, founded=founded, starts=starts)
    stage = d.stage
    for commitment in sorted(commitments, key=lambda c: c.commitment_id):
        if commitment.applies(terms.starts_on, applicant.industry_code, stage, applicant.high_tech):
            _honour(d, commitment)
    return d


def _industry_fit(d: Decision, applicant: Applicant, policy: PricingPolicy) -> None:
    if applicant.in_leading_industry or applicant.high_tech:
        why = "in a leading industry of the park" if applicant.in_leading_industry else "certified high-tech"
        d.discount = policy.industry_fit_discount
        d.explain(Rule.INDUSTRY_FIT_DISCOUNT, rate=d.discount, industry=applicant.industry_code, why=why)
    else:
        d.premium = policy.unrelated_industry_premium
        d.explain(Rule.UNRELATED_INDUSTRY_PREMIUM, rate=d.premium, industry=applicant.industry_code)


def _honour(d: Decision, commitment: Commitment) -> None:
    benefit = commitment.benefit
    if benefit.kind is BenefitKind.RENT_FREE_MONTHS and benefit.months is not None:
        if benefit.months > d.free_months:
            note = f"corrected: rent-free raised from {d.free_months} to {benefit.months} months to honour it"
            d.free_months, d.free_rule = benefit.months, Rule.POLICY_COMMITMENT
        else:
            note = f"honoured: {d.free_months} rent-free months already meet it"
        line = RuleLine(rule=Rule.POLICY_COMMITMENT, explanation="", months=d.free_months)
    elif benefit.rate is not None:
        if benefit.rate > d.discount:
            replaced = f", replacing the {pct(d.premium)} unrelated-industry premium" if d.premium else ""
            note = (
                f"corrected: discount raised from {pct(d.discount)} to {pct(benefit.rate)}{replaced} "
                "to honour it"
            )
            d.discount, d.premium = benefit.rate, ZERO
            d.lines[:] = [ln for ln in d.lines if ln.rule is not Rule.UNRELATED_INDUSTRY_PREMIUM]
        else:
            note = f"honoured: the {pct(d.discount)} discount already meets it"
        line = RuleLine(rule=Rule.POLICY_COMMITMENT, explanation="", rate=d.discount)
    else:  # pragma: no cover - Benefit validates that the amount matches the kind
        return
    d.lines.append(
        line.model_copy(
            update={
                "explanation": f"commitment {commitment.label()}: {note}",
                "commitment_id": commitment.commitment_id,
            }
        )
    )
