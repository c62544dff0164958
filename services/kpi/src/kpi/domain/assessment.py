"""Operator assessment: were all the agreement's KPIs met in the period, and what bonus it earns."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from parkops_contracts.base import Event
from parkops_contracts.events.kpi import KpiResult, KpiTargetMissed, OperatorBonusEarned, Terms
from parkops_kernel.errors import Conflict
from parkops_kernel.money import cny

from kpi.domain.agreement import Agreement, BonusBasis
from kpi.domain.scoring import Scorecard
from kpi.domain.targets import Target
from kpi.domain.terms import terms_contract, terms_of


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
    """The period's operating revenue (a gain on a fund stake is the park's capital, not the operator's
    work), or the increase of tenants' tax over the year before (0 when it fell)."""
    if basis is BonusBasis.REVENUE:
        return card.measures["operating_revenue"].value or Decimal(0)
    counts = card.measures["tax_growth"].counts
    return max(Decimal(0), Decimal(counts["tax"]) - Decimal(counts["tax_year_before"]))


def assess(card: Scorecard, agreement: Agreement) -> Assessment:
    """A KPI without data in the period counts as missed: a bonus needs evidence."""
    results = []
    for key in agreement.kpis:
        kpi = card.kpi(key)
        results.append(KpiOutcome(key, kpi.value, kpi.target, bool(kpi.met)))
    amount = cny(basis_amount(card, agreement.bonus_basis))
    all_met = all(r.met for r in results)
    bonus = cny(amount * agreement.bonus_share) if all_met else None
    return Assessment(tuple(results), amount, bonus)


def assessment_event(
    card: Scorecard,
    targets: dict[str, Target],
    agreement: Agreement,
    at: datetime,
    by: str | None = None,
) -> Event:
    """OperatorBonusEarned or KpiTargetMissed for the scorecard's period (scored with `targets`), carrying
    the terms it used: every KPI's target and weight, and the agreement."""
    result = assess(card, agreement)
    results = [KpiResult(kpi=r.kpi, value=r.value, target=r.target, met=r.met) for r in result.results]
    ids: dict[str, Any] = {
        "park_id": card.park_id,
        "group_id": card.group_id,
        "assessment_id": f"{card.park_id}:{card.period}",
        "period": card.period,
        "results": results,
        "overall_score": card.overall,
        "assessed_at": at,
        "terms": terms_contract(targets, agreement),
        "assessed_by": by,
    }
    if result.bonus is None:
        return KpiTargetMissed(**ids, missed=result.missed)
    return OperatorBonusEarned(
        **ids,
        bonus_basis=agreement.bonus_basis.value,
        basis_amount=result.basis_amount,
        bonus_share=agreement.bonus_share,
        amount=result.bonus,
    )


TermsUsed = tuple[dict[str, Target], Agreement]


def terms_used(event: dict[str, Any]) -> TermsUsed | None:
    """The targets and agreement a published assessment (as JSON) was made with; None for one published
    before assessments carried their terms."""
    if event.get("terms") is None:
        return None
    targets, agreement = terms_of(Terms.model_validate(event["terms"]))
    assert agreement is not None, "an assessment is made under an agreement"
    return targets, agreement


@dataclass
class PublishedAssessment:
    """The operator's assessment of a park's period: published once (with its event), then immutable."""

    park_id: str
    group_id: str
    period: str
    type: str = ""
    event: dict[str, Any] | None = None
    """The published event as JSON; None until published."""
    published_by: str = ""
    events: list[Event] = field(default_factory=list)
    """Recorded, not yet handed to the outbox."""

    def publish(self, event: Event, by: str) -> None:
        if self.event is not None:
            raise Conflict(f"the assessment of {self.park_id} for {self.period} is published and immutable")
        self.type, self.event, self.published_by = event.event_name(), event.model_dump(mode="json"), by
        self.events.append(event)

    def fold(self, event: Event) -> None:
        """The published event, consumed back from kpi's topic: the assessment as published (nothing for
        one published already, here or by the kpi that published it)."""
        if self.event is None:
            by = getattr(event, "assessed_by", None) or ""
            self.type, self.event, self.published_by = event.event_name(), event.model_dump(mode="json"), by
