"""Lettable space: units, and the status a unit has on a day (derived from leases, never stored)."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from parkops_contracts.events.leasing import UnitType
from pydantic import BaseModel, model_validator


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    RESERVED = "reserved"  # a signed lease starts later
    LEASED = "leased"  # a lease covers the day
    RENOVATING = "renovating"  # from the start of a renovation until its new base rent is recorded


class Unit(BaseModel):
    """Only renovation is stored on the unit: whether it is let on a day is read from the leases
    (`leasing.domain.queries.unit_status`), so a lease that runs out frees it without a write."""

    unit_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    renovating: bool = False
    base_rent: Decimal | None = None  # set by a renovation; else the park's rent for the unit type
    listed_on: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored_status(cls, data: Any) -> Any:
        """Parks stored before status was derived kept `status` (and an onboarding's `tenant_id`): only
        a renovation is still a fact of the unit; a stored "leased" claim occupies nothing."""
        if isinstance(data, dict) and "status" in data and "renovating" not in data:
            data = {**data, "renovating": data["status"] == UnitStatus.RENOVATING}
        return data
