"""Lettable space: units and their status."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from parkops_contracts.events.leasing import UnitType
from pydantic import BaseModel


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    RESERVED = "reserved"  # a signed lease starts later
    LEASED = "leased"
    RENOVATING = "renovating"  # from the start of a renovation until its new base rent is recorded


class Unit(BaseModel):
    unit_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    status: UnitStatus = UnitStatus.AVAILABLE  # LEASED here = claimed when a tenant was onboarded
    tenant_id: str | None = None
    base_rent: Decimal | None = None  # set by a renovation; else the park's rent for the unit type
    listed_on: date | None = None
