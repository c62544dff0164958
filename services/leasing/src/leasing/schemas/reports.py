"""HTTP models of the read side: rent roll, occupancy, vacancy, the availability chart."""

from datetime import date
from decimal import Decimal

from leasing.domain.availability_chart import MonthAvailability
from leasing.schemas import Output


class RentRollLine(Output):
    lease_id: str
    tenant_id: str
    tenant_name: str
    unit_ids: list[str]
    area_m2: Decimal
    starts_on: date
    ends_on: date
    monthly_rent: Decimal
    remaining_rent: Decimal


class Occupancy(Output):
    on: date
    units_total: int
    units_occupied: int
    area_total_m2: Decimal
    area_occupied_m2: Decimal
    occupancy_by_count: Decimal
    occupancy_by_area: Decimal


class Vacancy(Output):
    unit_id: str
    vacant_days: int
    window_days: int


class UnitAvailability(Output):
    unit_id: str
    building: str
    unit_number: str
    months: dict[str, MonthAvailability]  # "2027-01" -> availability
