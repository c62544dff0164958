"""Events published by the leasing service (system of record for parks, space and tenants)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from parkops_contracts.base import Event


class ParkType(StrEnum):
    INCUBATOR = "incubator"
    SPECIALIZED_INDUSTRIAL_PARK = "specialized_industrial_park"
    INDUSTRIAL_NEW_TOWN = "industrial_new_town"
    CHARACTERISTIC_TOWN = "characteristic_town"


class UnitType(StrEnum):
    STANDARD_FACTORY = "standard_factory"
    RND_BUILDING = "rnd_building"
    OFFICE = "office"
    SHARED_LAB = "shared_lab"
    TALENT_APARTMENT = "talent_apartment"
    COMMERCIAL = "commercial"


class LeasingEvent(Event):
    SERVICE: ClassVar[str] = "leasing"
    KEY_FIELD: ClassVar[str] = "park_id"  # one park's facts stay in order


class ParkRegistered(LeasingEvent):
    """A park group registered a new park with its type and leading industries."""

    name: str
    park_type: ParkType
    leading_industries: list[str] = Field(description="Industry codes the park is built around.")
    registered_at: datetime


class UnitListed(LeasingEvent):
    """A unit of lettable space was put on the market."""

    unit_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal = Field(gt=0, description="Lettable area in square metres.")
    listed_at: datetime


class TenantOnboarded(LeasingEvent):
    """An enterprise moved into the park: its profile and the units it occupies from `onboarded_at`."""

    tenant_id: str
    name: str
    credit_code: str = Field(description="18-character unified social credit code.")
    industry_code: str
    in_leading_industry: bool
    high_tech: bool
    founded_on: date
    headcount: int = Field(ge=0)
    unit_ids: list[str]
    leased_area_m2: Decimal = Field(ge=0)
    onboarded_at: datetime
    onboarded_on: date | None = Field(
        default=None, description="The business date of the move-in (imported parks: in the past)."
    )


class TerminationReason(StrEnum):
    RELOCATION = "relocation"
    CLOSURE = "closure"
    GRADUATION = "graduation"
    EXPANSION_ELSEWHERE = "expansion_elsewhere"
    BREACH = "breach"


class RentLine(BaseModel):
    """One lease month of a rent schedule; `rent` is CNY rounded half-up to 0.01."""

    model_config = ConfigDict(frozen=True)

    month: int = Field(ge=1, description="1 for the first lease month.")
    starts_on: date
    ends_on: date = Field(description="Last day of the lease month, inclusive.")
    rent: Decimal = Field(ge=0)
    rule: str | None = Field(default=None, description="The rule that waived this month's rent, if any.")


class LeaseSigned(LeasingEvent):
    """A tenant signed a lease on units of the park; `schedule` is the full month-by-month rent."""

    lease_id: str
    tenant_id: str
    unit_ids: list[str]
    leased_area_m2: Decimal = Field(gt=0)
    starts_on: date
    ends_on: date = Field(description="Last day of the term, inclusive.")
    term_months: int = Field(ge=1)
    monthly_base_rent: Decimal = Field(description="Area x base rent before any rule, CNY/month.")
    total_rent: Decimal = Field(ge=0, description="Sum of the schedule, CNY.")
    schedule: list[RentLine]
    rules: list[str] = Field(description="One explanation per pricing rule applied.")
    signed_at: datetime


class LeaseRenewed(LeasingEvent):
    """A lease was renewed by a new lease that starts the day after it ends (a renewal, for KPIs)."""

    lease_id: str = Field(description="The new lease.")
    previous_lease_id: str
    renewal_number: int = Field(ge=1, description="1 for the first renewal of the original lease.")
    tenant_id: str
    unit_ids: list[str]
    leased_area_m2: Decimal = Field(gt=0)
    starts_on: date
    ends_on: date
    term_months: int = Field(ge=1)
    monthly_base_rent: Decimal
    total_rent: Decimal = Field(ge=0)
    schedule: list[RentLine]
    rules: list[str]
    renewed_at: datetime


class LeaseTerminated(LeasingEvent):
    """A lease ended early (or on its last day) for a reason; its units are free the day after."""

    lease_id: str
    tenant_id: str
    unit_ids: list[str]
    released_area_m2: Decimal = Field(gt=0)
    terminated_on: date = Field(description="Last day the tenant occupies the units.")
    reason: TerminationReason
    terminated_at: datetime


class RentForEquityAgreed(LeasingEvent):
    """Rent was waived in exchange for equity in the tenant; the stake is marked at `implied_valuation`."""

    lease_id: str
    tenant_id: str
    months_waived: int = Field(ge=1)
    equity_percent: Decimal = Field(gt=0, le=100)
    waived_amount: Decimal = Field(ge=0, description="CNY of rent waived.")
    implied_valuation: Decimal = Field(ge=0, description="waived_amount / equity_percent%, CNY.")
    agreed_at: datetime


class UnitRenovated(LeasingEvent):
    """A unit was renovated and re-priced: its own base rent replaces the park's rent for its type."""

    unit_id: str
    previous_base_rent: Decimal | None = Field(description="CNY/m²/month before, if one was set.")
    base_rent: Decimal = Field(gt=0, description="CNY/m²/month from now on.")
    renovated_at: datetime


class TenantMetricsReported(LeasingEvent):
    """A tenant's yearly figures (CNY amounts); a later report for the same year corrects an earlier one."""

    tenant_id: str
    year: int
    tax_paid: Decimal = Field(ge=0)
    revenue: Decimal = Field(ge=0)
    headcount: int = Field(ge=0)
    valuation: Decimal | None = Field(default=None, ge=0)
    funding_raised: Decimal = Field(ge=0)
    reported_at: datetime


class UnitOccupied(LeasingEvent):
    """A lease occupies a unit from `occupied_from` to `occupied_until` (inclusive): leasing's one figure
    of occupancy. Published on signing and renewal, and again with an earlier `occupied_until` when the
    lease is terminated; the latest one per lease and unit holds. A lease that runs out frees the unit
    the day after `occupied_until`; onboarding without a lease occupies nothing."""

    lease_id: str
    unit_id: str
    tenant_id: str
    area_m2: Decimal = Field(gt=0)
    occupied_from: date
    occupied_until: date


PUBLISHED: tuple[type[Event], ...] = (
    ParkRegistered,
    UnitListed,
    TenantOnboarded,
    LeaseSigned,
    LeaseRenewed,
    LeaseTerminated,
    RentForEquityAgreed,
    UnitRenovated,
    TenantMetricsReported,
    UnitOccupied,
)
