"""Events published by the leasing service (system of record for parks, space and tenants)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

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


class ParkRegistered(LeasingEvent):
    """A park group registered a new park with its type and leading industries."""

    KEY_FIELD: ClassVar[str] = "park_id"

    name: str
    park_type: ParkType
    leading_industries: list[str] = Field(description="Industry codes the park is built around.")
    registered_at: datetime


class UnitListed(LeasingEvent):
    """A unit of lettable space was put on the market."""

    KEY_FIELD: ClassVar[str] = "park_id"

    unit_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal = Field(gt=0, description="Lettable area in square metres.")
    listed_at: datetime


class TenantOnboarded(LeasingEvent):
    """An enterprise moved into the park: its profile and the units it occupies from `onboarded_at`."""

    KEY_FIELD: ClassVar[str] = "park_id"

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
