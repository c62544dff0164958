"""A park's pricing policy: base rents and the per-park rates of the pricing rules."""

from decimal import Decimal
from typing import Annotated, Any

from parkops_contracts.events.leasing import UnitType
from parkops_kernel.bounds import Rate, Ratio
from pydantic import BaseModel, ConfigDict, Field

Rent = Decimal  # CNY per m² per month
BaseRent = Annotated[
    Rate, Field(gt=0, le=100_000, description="CNY/m²/month; at most 100 000, so a unit's month is ≤ 10^12.")
]


def _rate(low: str, high: str) -> Any:
    return Field(ge=Decimal(low), le=Decimal(high))


IndustryFitDiscount = Annotated[Ratio, _rate("0.10", "0.30")]
UnrelatedIndustryPremium = Annotated[Ratio, _rate("0.10", "0.20")]
LongLeaseStepDown = Annotated[Ratio, _rate("0", "0.20")]
LongLeaseMinMonths = Annotated[int, Field(ge=12, le=600)]
StartupRentFreeMonths = Annotated[int, Field(ge=0, le=120)]


class PricingPolicy(BaseModel):
    """Rates are fractions (0.2 = 20%). The ranges are those of `docs/domain.md`."""

    model_config = ConfigDict(frozen=True)

    base_rents: dict[UnitType, BaseRent] = Field(
        default_factory=dict, description="Base rent per unit type, CNY/m²/month."
    )
    industry_fit_discount: IndustryFitDiscount = Decimal("0.20")
    unrelated_industry_premium: UnrelatedIndustryPremium = Decimal("0.10")
    long_lease_step_down: LongLeaseStepDown = Decimal("0.05")
    long_lease_min_months: LongLeaseMinMonths = 36
    startup_rent_free_months: StartupRentFreeMonths = 6

    def base_rent(self, unit_type: UnitType) -> Rent | None:
        return self.base_rents.get(unit_type)
