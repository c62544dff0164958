"""The fee catalogue of a park, with the bounds the business allows (`docs/domain.md`, "Fee catalogue").

| fee | rule | stream |
| smart-park platform | 10,000-50,000 CNY per enterprise per year, by size | value-added services |
| talent placement | 500-1,000 CNY per person placed | industry services |
| matchmaking meeting | 5,000 CNY per enterprise per meeting (configurable, > 0) | industry services |
| policy application | 5-10% of the subsidy granted | industry services |
| technical testing | a price per project (> 0) | value-added services |
| property fee | CNY per m² per month (> 0) | property |
| financing commission | 1-3% of the funding (park bounds inside that range) | industry services |"""

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, Self

from parkops_kernel.bounds import Percent
from parkops_kernel.errors import Unprocessable
from parkops_kernel.money import cny
from pydantic import BaseModel, Field, model_validator

from finance.domain.ledger import Stream
from finance.domain.money import EnteredAmount, within_ceiling


class EnterpriseSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class FeeKind(StrEnum):
    PLATFORM = "platform"
    TALENT_PLACEMENT = "talent_placement"
    MATCHMAKING_MEETING = "matchmaking_meeting"
    TESTING = "testing"
    PROPERTY = "property"


STREAM_OF: dict[FeeKind, Stream] = {
    FeeKind.PLATFORM: Stream.VALUE_ADDED_SERVICES,
    FeeKind.TALENT_PLACEMENT: Stream.INDUSTRY_SERVICES,
    FeeKind.MATCHMAKING_MEETING: Stream.INDUSTRY_SERVICES,
    FeeKind.TESTING: Stream.VALUE_ADDED_SERVICES,
    FeeKind.PROPERTY: Stream.PROPERTY,
}
PLATFORM_BOUNDS = (Decimal(10_000), Decimal(50_000))
TALENT_BOUNDS = (Decimal(500), Decimal(1_000))
APPLICATION_BOUNDS = (Decimal(5), Decimal(10))
COMMISSION_BOUNDS = (Decimal(1), Decimal(3))
MAX_PLATFORM_YEARS = 10  # the platform fee is billed in advance; a decade is the longest service term


def _within(name: str, value: Decimal, bounds: tuple[Decimal, Decimal]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is outside {low}-{high}")


class CatalogueTerms(Protocol):
    """The prices and rates of a catalogue the business bounds: the stored catalogue's, or a request's."""

    @property
    def platform_fee(self) -> Mapping[EnterpriseSize, Decimal]: ...
    @property
    def talent_placement_fee(self) -> Decimal: ...
    @property
    def application_fee_percent(self) -> Decimal: ...
    @property
    def commission_min_percent(self) -> Decimal: ...
    @property
    def commission_max_percent(self) -> Decimal: ...
    @property
    def commission_percent(self) -> Decimal: ...


def within_business_bounds(terms: CatalogueTerms) -> None:
    """The bounds the business allows a catalogue (the table above); ValueError naming the field."""
    if missing := [s.value for s in EnterpriseSize if s not in terms.platform_fee]:
        raise ValueError(f"platform fee: no price for {', '.join(missing)}")
    for size, fee in terms.platform_fee.items():
        _within(f"platform fee ({size})", fee, PLATFORM_BOUNDS)
    _within("talent placement fee", terms.talent_placement_fee, TALENT_BOUNDS)
    _within("policy application fee %", terms.application_fee_percent, APPLICATION_BOUNDS)
    _within("commission minimum %", terms.commission_min_percent, COMMISSION_BOUNDS)
    _within("commission maximum %", terms.commission_max_percent, COMMISSION_BOUNDS)
    if terms.commission_min_percent > terms.commission_max_percent:
        raise ValueError("commission minimum % is above the maximum %")
    _within(
        "commission %", terms.commission_percent, (terms.commission_min_percent, terms.commission_max_percent)
    )


def default_platform_fees() -> dict[EnterpriseSize, Decimal]:
    """CNY per enterprise per year, by its size."""
    return {
        EnterpriseSize.SMALL: Decimal("10000.00"),
        EnterpriseSize.MEDIUM: Decimal("30000.00"),
        EnterpriseSize.LARGE: Decimal("50000.00"),
    }


class FeeCatalogue(BaseModel):
    """A park's prices (CNY; the platform fee per enterprise per year, talent placement per person
    placed, testing per project, property per m² per month) and rates (% of the subsidy, % of the
    funding; `commission_percent` when a deal names none), within the business bounds."""

    platform_fee: dict[EnterpriseSize, EnteredAmount] = Field(default_factory=default_platform_fees)
    talent_placement_fee: EnteredAmount = Decimal("800.00")
    matchmaking_meeting_fee: EnteredAmount = Decimal("5000.00")
    testing_fee: EnteredAmount = Decimal("20000.00")
    property_fee_per_m2: EnteredAmount = Decimal("5.00")
    application_fee_percent: Percent = Decimal("8")
    commission_min_percent: Percent = Decimal("1")
    commission_max_percent: Percent = Decimal("3")
    commission_percent: Percent = Decimal("1.5")

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        within_business_bounds(self)
        return self

    def commission_rate(self, requested: Decimal | None) -> Decimal:
        """The rate a deal is charged: the one it names, if inside the park's bounds (else 422)."""
        rate = self.commission_percent if requested is None else requested
        if not self.commission_min_percent <= rate <= self.commission_max_percent:
            raise Unprocessable(
                f"commission rate {rate}% is outside the park's bounds "
                f"{self.commission_min_percent}-{self.commission_max_percent}%",
                "rate_percent",
            )
        return rate

    def fee(self, kind: FeeKind, quantity: Decimal, size: EnterpriseSize | None) -> Decimal:
        """Price of `quantity` units (people, meetings, projects, m²-months, years) of a fee; at most
        10^12 CNY (422 on `quantity` otherwise)."""
        if quantity <= 0:
            raise Unprocessable("quantity must be positive", "quantity")
        if kind is FeeKind.PLATFORM:
            if size is None:
                raise Unprocessable("the platform fee needs the enterprise size", "size")
            if quantity != quantity.to_integral_value():
                raise Unprocessable("the platform fee is charged for whole years", "quantity")
            if quantity > MAX_PLATFORM_YEARS:
                years = f"1-{MAX_PLATFORM_YEARS}"
                raise Unprocessable(f"the platform fee is charged for {years} years", "quantity")
            unit = self.platform_fee[size]
        else:
            unit = {
                FeeKind.TALENT_PLACEMENT: self.talent_placement_fee,
                FeeKind.MATCHMAKING_MEETING: self.matchmaking_meeting_fee,
                FeeKind.TESTING: self.testing_fee,
                FeeKind.PROPERTY: self.property_fee_per_m2,
            }[kind]
        return within_ceiling(cny(unit * quantity), "quantity")
