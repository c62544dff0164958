"""Scored KPIs: direction and admissible range, and the default targets and weights per park type.

Ratios are fractions (0.9 = 90%), times are hours, money is CNY. Defaults: `docs/domain.md`; a group
admin may override any KPI's target and weight for one park (a weight, a whole percent, of 0 leaves it out
of the score)."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from parkops_contracts.events.leasing import ParkType
from parkops_kernel.errors import Unprocessable


class Direction(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str
    direction: Direction
    lowest: Decimal
    highest: Decimal

    def met(self, value: Decimal, target: Decimal) -> bool:
        return value >= target if self.direction is Direction.AT_LEAST else value <= target


@dataclass(frozen=True)
class Target:
    target: Decimal
    weight: Decimal


D = Decimal
_UP, _DOWN = Direction.AT_LEAST, Direction.AT_MOST
CATALOG: dict[str, KpiDefinition] = {
    k.key: k
    for k in (
        KpiDefinition("occupancy_rate", "occupancy rate (by area)", _UP, D(0), D(1)),
        KpiDefinition("leading_industry_share", "leading-industry share of tenants", _UP, D(0), D(1)),
        KpiDefinition("survival_rate", "enterprise 1-year survival rate", _UP, D(0), D(1)),
        KpiDefinition("tax_growth", "yearly tax growth", _UP, D(-1), D(100)),
        KpiDefinition("satisfaction", "satisfaction (ratings of 4-5)", _UP, D(0), D(1)),
        KpiDefinition("repair_response_hours", "repair response time, hours", _DOWN, D(0), D(8760)),
        KpiDefinition("service_revenue_share", "service revenue share", _UP, D(0), D(1)),
        KpiDefinition("revenue_cost_ratio", "revenue / operating cost", _UP, D(0), D(1000)),
        KpiDefinition("churn_rate", "churn", _DOWN, D(0), D(1)),
        KpiDefinition("renewal_rate", "renewals / expiries", _UP, D(0), D(1)),
        KpiDefinition("sla_compliance", "tickets resolved within SLA", _UP, D(0), D(1)),
        KpiDefinition("tax_per_m2", "tax per m² per year, CNY", _UP, D(0), D(1_000_000)),
    )
}

_TARGETS = {
    "occupancy_rate": D("0.90"),
    "leading_industry_share": D("0.70"),
    "survival_rate": D("0.80"),
    "tax_growth": D("0.15"),
    "satisfaction": D("0.90"),
    "repair_response_hours": D(2),
    "service_revenue_share": D("0.30"),
    "revenue_cost_ratio": D(1),
    "churn_rate": D("0.10"),
    "renewal_rate": D("0.90"),
    "sla_compliance": D("0.90"),
    "tax_per_m2": D(2000),
}
_MATURE = {
    "occupancy_rate": 20,
    "leading_industry_share": 15,
    "survival_rate": 10,
    "tax_growth": 15,
    "satisfaction": 10,
    "repair_response_hours": 10,
    "service_revenue_share": 10,
    "revenue_cost_ratio": 10,
}
_WEIGHTS: dict[ParkType, dict[str, int]] = {
    ParkType.SPECIALIZED_INDUSTRIAL_PARK: _MATURE,
    ParkType.INDUSTRIAL_NEW_TOWN: _MATURE | {"tax_growth": 20, "service_revenue_share": 5},
    ParkType.CHARACTERISTIC_TOWN: _MATURE | {"leading_industry_share": 20, "revenue_cost_ratio": 5},
    ParkType.INCUBATOR: _MATURE | {"survival_rate": 20, "tax_growth": 5, "service_revenue_share": 15},
}
DEFAULT_PARK_TYPE = ParkType.SPECIALIZED_INDUSTRIAL_PARK


def defaults_for(park_type: ParkType | None) -> dict[str, Target]:
    weights = _WEIGHTS[park_type or DEFAULT_PARK_TYPE]
    return {key: Target(_TARGETS[key], D(weights.get(key, 0))) for key in CATALOG}


def validated(kpi: str, target: Decimal, weight: Decimal) -> Target:
    """Unprocessable (422) for an unknown KPI, a target outside the KPI's range or a bad weight."""
    definition = CATALOG.get(kpi)
    if definition is None:
        raise Unprocessable(f"unknown KPI {kpi!r}; known: {', '.join(sorted(CATALOG))}", field="kpi")
    if not definition.lowest <= target <= definition.highest:
        raise Unprocessable(
            f"target {target} for {kpi} is outside [{definition.lowest}, {definition.highest}]",
            field="target",
        )
    if not D(0) <= weight <= D(100) or weight != weight.to_integral_value():
        raise Unprocessable(f"weight {weight} for {kpi} is not a whole number in [0, 100]", field="weight")
    return Target(target, D(int(weight)))
