"""A park's pricing policy: base rents and the per-park rates of the pricing rules."""

from decimal import Decimal

from parkops_contracts.events.leasing import UnitType
from pydantic import BaseModel, ConfigDict, Field, field_validator

Rent = Decimal  # CNY per m² per month


class PricingPolicy(BaseModel):
    """Rates are fractions (0.2 = 20%). The ranges are the ones the domain brief allows."""

    model_config = ConfigDict(frozen=True)

    base_rents: dict[UnitType, Decimal] = Field(
        default_factory=dict, description="Base rent per unit type, CNY/m²/month."
    )
    industry_fit_discount: Decimal = Field(default=Decimal("0.20"), ge=Decimal("0.10"), le=Decimal("0.30"))
    unrelated_industry_premium: Decimal = Field(
        default=Decimal("0.10"), ge=Decimal("0.10"), le=Decimal("0.20")
    )
    long_lease_step_down: Decimal = Field(default=Decimal("0.05"), ge=0, le=Decimal("0.20"))
    long_lease_min_months: int = Field(default=36, ge=12, le=600)
    startup_rent_free_months: int = Field(default=6, ge=0, le=120)

    def base_rent(self, unit_type: UnitType) -> Rent | None:
        return self.base_rents.get(unit_type)

    @field_validator("base_rents")
    @classmethod
    def _positive(cls, rents: dict[UnitType, Decimal]) -> dict[UnitType, Decimal]:
        bad = sorted(t.value for t, rent in rents.items() if rent <= 0)
        if bad:
            raise ValueError(f"base rents must be > 0 CNY/m²/month: {', '.join(bad)}")
        return rents
