"""Scorecard of a park for a period: every KPI's value, target, score 0-100 and weight, and the overall.

A KPI at or beyond its target scores 100; short of it, the share of the target reached (value / target,
or target / value for a KPI that should stay low). A KPI without data in the period is not scored and its
weight does not count: the overall is the weighted mean of the scored KPIs."""

from dataclasses import dataclass
from decimal import Decimal

from kpi.domain import measures_services as services
from kpi.domain import measures_tenancy as tenancy
from kpi.domain.ledger import ParkLedger
from kpi.domain.measure import Measure
from kpi.domain.periods import Period
from kpi.domain.targets import CATALOG, Direction, KpiDefinition, Target
from kpi.domain.tenancy import TenancyView

SCORE = Decimal("0.1")
HUNDRED = Decimal(100)


def measures(ledger: ParkLedger, period: Period) -> dict[str, Measure]:
    view = TenancyView(ledger)
    return (
        tenancy.occupancy(view, period)
        | tenancy.leading_industry(view, period)
        | tenancy.movements(view, period)
        | tenancy.survival(view, period)
        | tenancy.tax(view, period)
        | services.tickets(ledger, period)
        | services.revenue(ledger, period)
        | services.community(ledger, period)
    )


def score(definition: KpiDefinition, value: Decimal, target: Decimal) -> Decimal:
    if definition.met(value, target):
        return HUNDRED.quantize(SCORE)
    if definition.direction is Direction.AT_LEAST:
        reached = value / target if target > 0 and value > 0 else Decimal(0)
    else:
        reached = target / value if value > 0 else Decimal(0)
    return max(Decimal(0), min(HUNDRED, reached * HUNDRED)).quantize(SCORE)


@dataclass(frozen=True)
class KpiScore:
    key: str
    label: str
    direction: Direction
    value: Decimal | None
    target: Decimal
    weight: Decimal
    score: Decimal | None
    met: bool | None


@dataclass(frozen=True)
class Scorecard:
    park_id: str
    group_id: str
    period: str
    kpis: tuple[KpiScore, ...]
    overall: Decimal | None
    measures: dict[str, Measure]

    def pulling_down(self) -> list[str]:
        """Weighted KPIs below 100, the largest weighted shortfall first."""
        short = [k for k in self.kpis if k.weight > 0 and k.score is not None and k.score < HUNDRED]
        short.sort(key=lambda k: (-(k.weight * (HUNDRED - (k.score or 0))), k.key))
        return [k.key for k in short]

    def kpi(self, key: str) -> KpiScore:
        return next(k for k in self.kpis if k.key == key)


def scorecard(ledger: ParkLedger, period: Period, targets: dict[str, Target]) -> Scorecard:
    computed = measures(ledger, period)
    kpis: list[KpiScore] = []
    for key, definition in CATALOG.items():
        goal = targets[key]
        value = computed[key].value
        points = None if value is None else score(definition, value, goal.target)
        met = None if value is None else definition.met(value, goal.target)
        kpis.append(
            KpiScore(
                key, definition.label, definition.direction, value, goal.target, goal.weight, points, met
            )
        )
    weighted = [(k.weight, k.score) for k in kpis if k.weight > 0 and k.score is not None]
    total_weight = sum((w for w, _ in weighted), Decimal(0))
    overall = (
        (sum((w * s for w, s in weighted), Decimal(0)) / total_weight).quantize(SCORE)
        if total_weight
        else None
    )
    return Scorecard(ledger.park_id, ledger.group_id, period.label, tuple(kpis), overall, computed)
