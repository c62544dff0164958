"""Operator assessment: were all the agreement's KPIs met in the period, and what bonus it earns."""

from dataclasses import dataclass
from decimal import Decimal

from kpi.domain.measure import money
from kpi.domain.scoring import Scorecard
from kpi.domain.terms import Agreement, BonusBasis


@dataclass(frozen=True)
class KpiOutcome:
    kpi: str
    value: Decimal | None
    target: Decimal
    met: bool


@dataclass(frozen=True)
class Assessment:
    results: tuple[KpiOutcome, ...]
    basis_amount: Decimal
    bonus: Decimal | None
    """None when a target was missed."""

    @property
    def missed(self) -> list[str]:
        return [r.kpi for r in self.results if not r.met]


def basis_amount(card: Scorecard, basis: BonusBasis) -> Decimal:
    """The period's revenue, or the increase of tenants' tax over the year before (0 when it fell)."""
    if basis is BonusBasis.REVENUE:
        return card.measures["revenue"].value or Decimal(0)
    counts = card.measures["tax_growth"].counts
    return max(Decimal(0), Decimal(counts["tax"]) - Decimal(counts["tax_year_before"]))


def assess(card: Scorecard, agreement: Agreement) -> Assessment:
    """A KPI without data in the period counts as missed: a bonus needs evidence."""
    results = []
    for key in agreement.kpis:
        kpi = card.kpi(key)
        results.append(KpiOutcome(key, kpi.value, kpi.target, bool(kpi.met)))
    amount = money(basis_amount(card, agreement.bonus_basis))
    all_met = all(r.met for r in results)
    bonus = money(amount * agreement.bonus_share) if all_met else None
    return Assessment(tuple(results), amount, bonus)
