"""The pricing engine: tenant x units x term x start date -> an explained month-by-month rent schedule.

Pure code: no I/O, no clock. Month `m` (0-based) of a lease pays
    round_half_up(Σ area x base rent x (1 - discount | 1 + premium) x (1 - step-down)^(m // 12), 0.01)
unless it is one of the leading rent-free months, or one of the months waived for equity right after
them. See `leasing.domain.money` for the rounding rule and `leasing.domain.rules` for the decisions."""

from collections.abc import Sequence
from decimal import Decimal

from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import ZERO, cny

from leasing.domain.commitments import Commitment
from leasing.domain.months import lease_end, month_period
from leasing.domain.policy import PricingPolicy
from leasing.domain.quote import (
    Applicant,
    EquityDeal,
    Quote,
    QuoteTerms,
    Rule,
    RuleLine,
    ScheduleLine,
)
from leasing.domain.rules import Decision, decide, pct


def price(
    terms: QuoteTerms, applicant: Applicant, policy: PricingPolicy, commitments: Sequence[Commitment]
) -> Quote:
    """Quote `terms` for `applicant` under the park's policy and its policy commitments."""
    monthly = sum((u.area_m2 * u.base_rent for u in terms.units), Decimal(0))
    base_line = RuleLine(
        rule=Rule.BASE_RENT,
        explanation=" + ".join(
            f"{u.area_m2} m² {u.unit_type.value} x {u.base_rent} CNY/m²" for u in terms.units
        )
        + f" = {cny(monthly)} CNY/month",
    )
    decision = decide(terms, applicant, policy, commitments)
    free = min(decision.free_months, terms.term_months)
    schedule, equity = _schedule(terms, decision, monthly, free)
    rules = [base_line, *decision.lines]
    if equity:
        rules.append(
            RuleLine(
                rule=Rule.RENT_FOR_EQUITY,
                explanation=f"months {free + 1}-{free + equity.months_waived} waived "
                f"({equity.waived_amount} CNY) for {equity.equity_percent}% equity: implied valuation "
                f"{equity.implied_valuation} CNY",
                months=equity.months_waived,
            )
        )
    return Quote(
        starts_on=terms.starts_on,
        ends_on=lease_end(terms.starts_on, terms.term_months),
        term_months=terms.term_months,
        unit_ids=[u.unit_id for u in terms.units],
        area_m2=sum((u.area_m2 for u in terms.units), Decimal(0)),
        lifecycle_stage=decision.stage,
        monthly_base_rent=cny(monthly),
        discount_rate=decision.discount,
        premium_rate=decision.premium,
        rent_free_months=free,
        rules=rules,
        schedule=schedule,
        total_rent=sum((line.rent for line in schedule), ZERO),
        equity=equity,
    )


def _schedule(
    terms: QuoteTerms, d: Decision, monthly: Decimal, free: int
) -> tuple[list[ScheduleLine], EquityDeal | None]:
    deal = terms.rent_for_equity
    waive = deal.months_waived if deal else 0
    if waive > terms.term_months - free:
        raise Unprocessable(
            f"rent_for_equity.months_waived: {waive} months asked, but only {terms.term_months - free} "
            "months of the term carry rent",
            field="rent_for_equity.months_waived",
        )
    lines, waived = [], ZERO
    for m in range(terms.term_months):
        starts_on, ends_on = month_period(terms.starts_on, m)
        charge = cny(monthly * d.factor * (1 - d.step_down) ** (m // 12))
        rent, rule = charge, None
        if m < free:
            rent, rule = ZERO, d.free_rule
        elif m < free + waive:
            rent, rule, waived = ZERO, Rule.RENT_FOR_EQUITY, waived + charge
        lines.append(
            ScheduleLine(
                month=m + 1,
                starts_on=starts_on,
                ends_on=ends_on,
                gross_rent=cny(monthly),
                rent=rent,
                rule=rule,
            )
        )
    if deal is None:
        return lines, None
    valuation = cny(waived * 100 / deal.equity_percent)
    return lines, EquityDeal(
        months_waived=waive,
        equity_percent=deal.equity_percent,
        waived_amount=waived,
        implied_valuation=valuation,
    )


__all__ = ["pct", "price"]
